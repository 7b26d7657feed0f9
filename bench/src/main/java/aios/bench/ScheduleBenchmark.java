package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.syscall.Resource;
import aios.text.TextTable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bench:schedule}: replays a trace through the kernel's LLM queue under one or more policies, against a
 * {@link SlotBackend} with K slots, and sets each run beside the {@link IdealSimulation} of the same policy on the
 * same trace.
 *
 * <p>For the replay the LLM queue gets exactly K workers (so that the policy, not the backend, decides what runs
 * next) and no policy parameters; the kernel's configuration is restored afterwards.
 */
@Component(service = ScheduleBenchmark.class, property = {
        "osgi.command.scope=bench", "osgi.command.function=schedule"})
public final class ScheduleBenchmark {

    /** Numbers the runs' backends, so that each has a model name no other backend serves. */
    private final AtomicInteger runs = new AtomicInteger();

    @Reference
    private Kernel kernel;

    @Reference
    private ConfigurationAdmin configurationAdmin;

    private BundleContext context;

    @Activate
    void activate(BundleContext bc) {
        context = bc;
    }

    @Descriptor("replay a trace through the kernel under each policy and compare with the ideal schedule")
    public String schedule(
            @Descriptor("the trace file (CSV: " + Trace.HEADER + ")") @Parameter(names = "--trace",
                    absentValue = "") String tracePath,
            @Descriptor("policies, comma-separated, or 'all' for every installed one")
            @Parameter(names = "--policy", absentValue = "fifo") String policyList,
            @Descriptor("parallel slots of the simulated model, and workers of the LLM queue")
            @Parameter(names = "--slots", absentValue = "1") int slots,
            @Descriptor("syscalls with no service time sent through each policy before its run, to warm up the JIT")
            @Parameter(names = "--warmup", absentValue = "2000") int warmup,
            @Descriptor("one JSON object per line") @Parameter(names = "--json", absentValue = "false",
                    presentValue = "true") boolean json) throws Exception {
        if (tracePath.isEmpty()) {
            throw new IllegalArgumentException("--trace FILE is required: write one with bench:trace-gen");
        }
        if (slots < 1 || warmup < 0) {
            throw new IllegalArgumentException("--slots must be ≥ 1 and --warmup ≥ 0, not " + slots + " and " + warmup);
        }
        Trace trace = read(Path.of(tracePath));
        List<String> policies = policies(policyList);

        String model = "bench-slots-" + runs.incrementAndGet();
        SlotBackend backend = new SlotBackend(model, slots);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(LlmBackend.NAME, model);
        ServiceRegistration<LlmBackend> registration = context.registerService(LlmBackend.class, backend, props);
        List<Map<String, Object>> results = new ArrayList<>();
        try (LlmQueueOverride queue = LlmQueueOverride.apply(configurationAdmin, kernel, slots)) {
            for (String policy : policies) {
                results.add(run(trace, policy, slots, model, warmup, backend));
            }
        } finally {
            registration.unregister();
        }
        return json ? String.join("\n", results.stream().map(KernelBenchmark::toJson).toList())
                : describe(tracePath, trace, slots) + table(results);
    }

    private Map<String, Object> run(Trace trace, String policy, int slots, String model, int warmup,
                                    SlotBackend backend) throws Exception {
        QueueInfo q = kernel.switchPolicy(Resource.LLM, policy, Map.of()); // its defaults, as in the simulation
        if (!q.policy().equals(policy) || q.workers() != slots) {
            throw new IllegalStateException("the LLM queue runs " + q.policy() + " on " + q.workers()
                    + " workers, not " + policy + " on " + slots + ": is the policy failing (aios:queues)?");
        }
        Figures ideal = Figures.of(trace, simulate(trace, policy, slots));
        WarmUp.run(kernel, model, warmup);
        System.gc(); // so that the warm-up's garbage is not collected during the replay
        long slotWaitsBefore = backend.slotWaits();
        long kernelMissesBefore = LlmQueueOverride.llm(kernel).deadlineMisses();
        Replay.Result replay = Replay.run(kernel, trace, model);
        QueueInfo after = LlmQueueOverride.llm(kernel);
        Figures measured = Figures.of(trace, replay.schedule());

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("policy", policy);
        r.put("slots", slots);
        r.put("tasks", trace.rows().size());
        r.put("completed", measured.completed());
        r.put("rejected", replay.rejectedCount());
        r.put("rejected_by", replay.rejected().isEmpty() ? "-" : replay.rejected().toString());
        r.put("failed", replay.failed());
        r.put("first_failure", replay.firstFailure() == null ? "-" : replay.firstFailure());
        put(r, "", measured);
        put(r, "ideal_", ideal);
        r.put("ratio", round(measured.meanTurnaroundMs() / ideal.meanTurnaroundMs(), 4));
        r.put("submit_late_mean_us", round(replay.meanLatenessMicros(), 1));
        r.put("submit_late_max_us", round(replay.maxLatenessMicros(), 1));
        r.put("slot_waits", backend.slotWaits() - slotWaitsBefore);
        // the kernel's own count: tasks it finished after their deadline (never-finished ones are not in it)
        r.put("kernel_misses", after.deadlineMisses() - kernelMissesBefore);
        // a policy that fails, or whose call overruns policy.call.limit.ms, is replaced by FIFO mid-run
        r.put("policy_after", after.policy());
        return r;
    }

    private static void put(Map<String, Object> r, String prefix, Figures f) {
        r.put(prefix + "mean_turnaround_ms", round(f.meanTurnaroundMs(), 3));
        r.put(prefix + "p50_turnaround_ms", round(f.p50TurnaroundMs(), 3));
        r.put(prefix + "p95_turnaround_ms", round(f.p95TurnaroundMs(), 3));
        r.put(prefix + "p99_turnaround_ms", round(f.p99TurnaroundMs(), 3));
        r.put(prefix + "mean_wait_ms", round(f.meanWaitMs(), 3));
        r.put(prefix + "misses", f.misses());
        r.put(prefix + "jain", round(f.jain(), 4));
        r.put(prefix + "makespan_ms", round(f.makespanMs(), 3));
    }

    /** The ideal schedule, ordered by a fresh instance of the installed policy, with its default parameters. */
    private Schedule simulate(Trace trace, String policy, int slots) throws InvalidSyntaxException {
        var refs = context.getServiceReferences(SchedulingPolicy.class, "(" + SchedulingPolicy.NAME + "=" + policy + ")");
        if (refs.isEmpty()) {
            throw new IllegalStateException("policy " + policy + " went away before its ideal schedule was computed");
        }
        ServiceReference<SchedulingPolicy> best = Collections.max(refs); // highest ranking, as the kernel chooses
        ServiceObjects<SchedulingPolicy> objects = context.getServiceObjects(best);
        SchedulingPolicy instance = objects.getService();
        try {
            instance.configure(Map.of());
            return IdealSimulation.run(trace, slots, instance);
        } finally {
            objects.ungetService(instance);
        }
    }

    private static Trace read(Path path) throws IOException {
        Trace trace;
        try (Reader in = Files.newBufferedReader(path)) {
            trace = Trace.parse(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("trace file " + path.toAbsolutePath() + " does not exist: write one"
                    + " with bench:trace-gen");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
        if (trace.rows().isEmpty()) {
            throw new IllegalArgumentException(path + " has no tasks: nothing to replay");
        }
        for (Trace.Row r : trace.rows()) {
            if (r.resource() != Resource.LLM) {
                throw new IllegalArgumentException(path + ": the task of " + r.agent() + " arriving at "
                        + r.arrivalMicros() / 1000.0 + " ms asks for " + r.resource().id()
                        + "; bench:schedule replays llm tasks only");
            }
        }
        return trace;
    }

    private List<String> policies(String list) {
        Map<String, String> installed = kernel.policies();
        if (list.strip().equals("all")) {
            return List.copyOf(installed.keySet());
        }
        List<String> names = Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        for (String name : names) {
            if (!installed.containsKey(name)) {
                throw new IllegalArgumentException("no scheduling policy named '" + name + "' is installed: use one of "
                        + String.join(", ", installed.keySet()) + ", or all");
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--policy names no policy: give one or more, comma-separated, or all");
        }
        return names;
    }

    private static String describe(String path, Trace trace, int slots) {
        double spanMs = trace.spanMicros() / 1000.0;
        double load = trace.totalServiceMicros() / (slots * (double) Math.max(1, trace.spanMicros()));
        return String.format(Locale.ROOT, "trace %s: %d tasks, %d agents, arrivals over %.1f s, offered load %.2f"
                + " on %d slots%n%n", path, trace.rows().size(), trace.agents().size(), spanMs / 1000, load, slots);
    }

    private static String table(List<Map<String, Object>> results) {
        TextTable t = new TextTable("POLICY", "RUN", "MEAN TA ms", "P50", "P95", "P99", "MEAN WAIT", "MISSES", "JAIN",
                "MAKESPAN ms", "RATIO", "REJECTED", "FAILED", "LATE µs mean/max").blank("");
        for (Map<String, Object> r : results) {
            t.row(r.get("policy"), "measured", ms(r.get("mean_turnaround_ms")), ms(r.get("p50_turnaround_ms")),
                    ms(r.get("p95_turnaround_ms")), ms(r.get("p99_turnaround_ms")), ms(r.get("mean_wait_ms")),
                    r.get("misses"), r.get("jain"), ms(r.get("makespan_ms")), r.get("ratio"), r.get("rejected"),
                    r.get("failed"), r.get("submit_late_mean_us") + "/" + r.get("submit_late_max_us"));
            t.row("", "ideal", ms(r.get("ideal_mean_turnaround_ms")), ms(r.get("ideal_p50_turnaround_ms")),
                    ms(r.get("ideal_p95_turnaround_ms")), ms(r.get("ideal_p99_turnaround_ms")),
                    ms(r.get("ideal_mean_wait_ms")), r.get("ideal_misses"), r.get("ideal_jain"),
                    ms(r.get("ideal_makespan_ms")));
        }
        StringBuilder notes = new StringBuilder();
        for (Map<String, Object> r : results) {
            if (!"-".equals(r.get("rejected_by"))) {
                notes.append(r.get("policy")).append(": refused at submit: ").append(r.get("rejected_by")).append('\n');
            }
            if (!"-".equals(r.get("first_failure"))) {
                notes.append(r.get("policy")).append(": first failure: ").append(r.get("first_failure")).append('\n');
            }
            if (!r.get("policy").equals(r.get("policy_after"))) {
                notes.append(r.get("policy")).append(": the LLM queue ran ").append(r.get("policy_after"))
                        .append(" by the end of the run: the policy was replaced (POLICY_FALLBACK event), so the")
                        .append(" run mixes two policies\n");
            }
            if (!Long.valueOf(0).equals(r.get("slot_waits"))) {
                notes.append(r.get("policy")).append(": ").append(r.get("slot_waits"))
                        .append(" calls found every slot taken: the LLM queue had more workers than slots\n");
            }
        }
        return (t.toString() + notes).stripTrailing();
    }

    private static String ms(Object v) {
        return String.format(Locale.ROOT, "%.2f", ((Number) v).doubleValue());
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }
}
