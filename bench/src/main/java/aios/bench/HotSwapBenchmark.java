package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * {@code bench:hotswap}: agents keep the LLM queue busy while its policy is switched again and again across every
 * installed policy; then counts what was submitted, completed, lost and run twice, and the pauses the switches
 * caused (as the kernel measured and published them).
 */
@Component(service = HotSwapBenchmark.class, property = {
        "osgi.command.scope=bench", "osgi.command.function=hotswap"})
public final class HotSwapBenchmark {

    private static final String MODEL = "bench-counting";

    @Reference
    private ServiceComponentRuntime scr;

    @Reference
    private Kernel kernel;

    private BundleContext context;

    @Activate
    void activate(BundleContext bc) {
        context = bc;
    }

    /** Answers at once and counts how often each syscall (numbered by its seed) ran. */
    private static final class CountingBackend implements LlmBackend {
        final AtomicIntegerArray runs;

        CountingBackend(int capacity) {
            runs = new AtomicIntegerArray(capacity);
        }

        @Override
        public List<String> models() {
            return List.of(MODEL);
        }

        @Override
        public LlmResult complete(LlmQuery query) {
            runs.incrementAndGet(query.sampling().seed().intValue());
            return new LlmResult("ok", List.of(), "stop", 1, 1, MODEL);
        }
    }

    @Descriptor("switch the LLM queue's policy many times under load; count lost and repeated syscalls and the pauses")
    public String hotswap(
            @Descriptor("policy switches") @Parameter(names = "--switches", absentValue = "100") int switches,
            @Descriptor("concurrent agents") @Parameter(names = "--agents", absentValue = "200") int agents,
            @Descriptor("syscalls each agent keeps in flight") @Parameter(names = "--window", absentValue = "8") int window,
            @Descriptor("milliseconds between switches") @Parameter(names = "--every-ms", absentValue = "30") int everyMs,
            @Descriptor("one JSON object per line") @Parameter(names = "--json", absentValue = "false",
                    presentValue = "true") boolean json) throws Exception {
        if (switches < 1 || agents < 1 || window < 1 || everyMs < 1) {
            throw new IllegalArgumentException("--switches, --agents, --window and --every-ms must be ≥ 1");
        }
        List<String> policies = new ArrayList<>(kernel.policies().keySet());
        QueueInfo before = llm();
        int capacity = 8_000_000; // numbered syscalls the counter can tell apart; agents stop at it
        CountingBackend backend = new CountingBackend(capacity);
        ServiceRegistration<LlmBackend> registration = context.registerService(LlmBackend.class, backend,
                new Hashtable<>(Map.of(LlmBackend.NAME, MODEL)));
        List<Long> pausesMicros = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, (Event e) -> {
            if ("llm".equals(e.getProperty(KernelEvents.RESOURCE))) {
                pausesMicros.add((Long) e.getProperty(KernelEvents.PAUSE));
            }
        }, new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, KernelEvents.POLICY_CHANGED)));
        List<String> names = new ArrayList<>();
        AtomicLong sequence = new AtomicLong();
        LongAdder submitted = new LongAdder();
        LongAdder completed = new LongAdder();
        LongAdder failed = new LongAdder();
        LongAdder rejected = new LongAdder();
        try (PausedComponents paused = PausedComponents.pause(scr, context, Set.of(PausedComponents.COLLECTOR))) {
            for (int a = 0; a < agents; a++) {
                names.add(kernel.register("hotswap-" + a).name());
            }
            CountDownLatch stopped = new CountDownLatch(agents);
            var stop = new java.util.concurrent.atomic.AtomicBoolean();
            long t0 = System.nanoTime();
            for (String agent : names) {
                Thread.ofVirtual().start(() -> {
                    Semaphore inFlight = new Semaphore(window);
                    try {
                        while (!stop.get()) {
                            inFlight.acquire();
                            long seq = sequence.getAndIncrement();
                            if (seq >= capacity) {
                                inFlight.release();
                                break;
                            }
                            LlmQuery q = new LlmQuery(agent, List.of(Message.user("x")), List.of(), LlmAction.CHAT,
                                    new Sampling(1, 0, 1, seq), MODEL, Scheduling.priority((int) (seq % 5)));
                            try {
                                kernel.submit(q).result().whenComplete((r, e) -> {
                                    if (e == null) {
                                        completed.increment();
                                    } else {
                                        failed.increment();
                                    }
                                    inFlight.release();
                                });
                                submitted.increment();
                            } catch (RuntimeException e) {
                                rejected.increment();
                                inFlight.release();
                            }
                        }
                        inFlight.acquire(window);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        stopped.countDown();
                    }
                });
            }
            // one switch to each policy first: its first use runs its code cold (interpreted, not yet compiled);
            // those pauses are reported apart from the steady-state ones
            int warmUp = policies.size();
            for (int i = 0; i < warmUp + switches; i++) {
                Thread.sleep(everyMs);
                String next = policies.get(i % policies.size());
                if (next.equals(llm().policy())) {
                    next = policies.get((i + 1) % policies.size());
                }
                kernel.switchPolicy(Resource.LLM, next);
            }
            stop.set(true);
            stopped.await(60, TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - t0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (pausesMicros.size() < warmUp + switches && System.nanoTime() < deadline) {
                Thread.sleep(10); // events arrive asynchronously
            }

            long issued = Math.min(sequence.get(), capacity);
            long ranOnce = 0;
            long duplicated = 0;
            for (int i = 0; i < issued; i++) {
                int n = backend.runs.get(i);
                if (n >= 1) {
                    ranOnce++;
                }
                if (n > 1) {
                    duplicated++;
                }
            }
            List<Long> all = new ArrayList<>(pausesMicros);
            List<Long> first = new ArrayList<>(all.subList(0, Math.min(warmUp, all.size())));
            List<Long> sorted = new ArrayList<>(all.subList(Math.min(warmUp, all.size()), all.size()));
            sorted.sort(null);
            first.sort(null);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "hotswap");
            r.put("policies", String.join(",", policies));
            r.put("switches", switches);
            r.put("warm_up_switches", warmUp);
            r.put("pauses_measured", sorted.size());
            r.put("agents", agents);
            r.put("submitted", submitted.sum());
            r.put("completed", completed.sum());
            r.put("failed", failed.sum());
            r.put("rejected", rejected.sum());
            r.put("lost", submitted.sum() - ranOnce);
            r.put("duplicated", duplicated);
            r.put("throughput_per_s", Math.round(completed.sum() * 1e9 / elapsed));
            r.put("pause_p50_ms", millis(percentile(sorted, 50)));
            r.put("pause_p99_ms", millis(percentile(sorted, 99)));
            r.put("pause_max_ms", millis(sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1)));
            r.put("first_switches", first.size());
            r.put("first_pause_max_ms", millis(first.isEmpty() ? 0 : first.get(first.size() - 1)));
            return json ? KernelBenchmark.toJson(r) : KernelBenchmark.toTable(r).stripTrailing();
        } finally {
            names.forEach(kernel::unregister);
            handler.unregister();
            registration.unregister();
            kernel.switchPolicy(Resource.LLM, before.configuredPolicy(), before.parameters());
        }
    }

    private QueueInfo llm() {
        return kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int idx = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.size()) - 1));
        return sorted.get(idx);
    }

    private static double millis(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
