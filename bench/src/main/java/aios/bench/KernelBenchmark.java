package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.lang.management.ManagementFactory;
import java.util.Set;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * {@code bench:kernel}: many agents submitting syscalls to a backend that answers at once, through the real
 * kernel with events on and a subscriber receiving them; and, in the same run, the same load through a bare
 * {@link BareHandOff} as the machine's limit.
 *
 * <p>Two phases each: <b>throughput</b>, every agent keeping a window of syscalls in flight (the queue never
 * runs dry); and <b>latency</b>, every agent submitting one syscall at a time with random think time, at a fixed
 * total rate well below saturation, so that the time from submit to result is the kernel's own cost and not
 * queueing.
 */
@Component(immediate = true, service = KernelBenchmark.class, property = {
        "osgi.command.scope=bench", "osgi.command.function=kernel"})
public final class KernelBenchmark {

    @Reference
    private Kernel kernel;

    @Reference
    private ServiceComponentRuntime scr;

    private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile long bootedAt;
    private final LongAdder eventsSeen = new LongAdder();
    private BundleContext context;
    private FrameworkListener listener;
    private ServiceRegistration<EventHandler> handler;
    private java.util.Hashtable<String, Object> handlerProps;

    @Activate
    void activate(BundleContext bc) {
        context = bc;
        listener = e -> {
            if (e.getType() == FrameworkEvent.STARTED) {
                bootedAt = System.currentTimeMillis();
                started.countDown();
            }
        };
        bc.addFrameworkListener(listener);
        if (bc.getBundle(0).getState() == org.osgi.framework.Bundle.ACTIVE && bootedAt == 0) {
            // the framework had already started when this bundle came up (installed later): boot time is now
            bootedAt = System.currentTimeMillis();
            started.countDown();
        }
        var props = new java.util.Hashtable<String, Object>();
        props.put(EventConstants.EVENT_TOPIC, "aios/syscall/*");
        this.handlerProps = props;
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(listener);
    }

    @Descriptor("measure syscall throughput and latency through the kernel against a bare BlockingQueue hand-off")
    public String kernel(
            @Descriptor("concurrent agents") @Parameter(names = "--agents", absentValue = "1000") int agents,
            @Descriptor("syscalls per agent in the throughput phase")
            @Parameter(names = "--per-agent", absentValue = "200") int perAgent,
            @Descriptor("syscalls each agent keeps in flight in the throughput phase")
            @Parameter(names = "--window", absentValue = "8") int window,
            @Descriptor("total syscalls per second offered in the latency phase")
            @Parameter(names = "--rate", absentValue = "20000") int rate,
            @Descriptor("syscalls per agent in the latency phase")
            @Parameter(names = "--latency-per-agent", absentValue = "20") int latencyPerAgent,
            @Descriptor("rounds of kernel and limit phases, alternating; medians are reported")
            @Parameter(names = "--rounds", absentValue = "3") int rounds,
            @Descriptor("subscribe to every syscall event (events are always posted; this makes Event Admin deliver them)")
            @Parameter(names = "--subscribe", absentValue = "true") boolean subscribe,
            @Descriptor("one JSON object per line") @Parameter(names = "--json", absentValue = "false",
                    presentValue = "true") boolean json) throws Exception {
        if (agents < 1 || perAgent < 1 || window < 1 || rate < 1 || latencyPerAgent < 1 || rounds < 1) {
            throw new IllegalArgumentException(
                    "--agents, --per-agent, --window, --rate, --latency-per-agent and --rounds must be ≥ 1");
        }
        started.await(10, TimeUnit.SECONDS);
        long bootMs = bootedAt == 0 ? -1 : bootedAt - jvmStart;

        List<String> names = new ArrayList<>(agents);
        for (int a = 0; a < agents; a++) {
            names.add(kernel.register("bench-" + a).name());
        }
        LlmQuery[] queries = names.stream().map(n -> new LlmQuery(n, List.of(Message.user("ping")), List.of(),
                LlmAction.CHAT, new Sampling(1, 0, 1, null), InstantBackend.MODEL, Scheduling.DEFAULT))
                .toArray(LlmQuery[]::new);
        QueueInfo llm = kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
        IntFunction<CompletionStage<?>> viaKernel = a -> kernel.submit(queries[a]).result();
        if (subscribe) {
            handler = context.registerService(EventHandler.class, (Event e) -> eventsSeen.increment(), handlerProps);
        }

        try (PausedComponents paused = PausedComponents.pause(scr, context, Set.of(PausedComponents.COLLECTOR));
             BareHandOff bare = new BareHandOff(llm.workers())) {
            IntFunction<CompletionStage<?>> viaBare = a -> bare.submit();
            // warm up both paths (JIT), not counted
            throughput(viaKernel, agents, Math.max(1, perAgent / 4), window);
            throughput(viaBare, agents, Math.max(1, perAgent / 4), window);
            long warmupEvents = 3L * agents * Math.max(1, perAgent / 4);
            awaitEvents(subscribe ? warmupEvents : 0);
            long eventsBefore = eventsSeen.sum();

            List<Phase> kts = new ArrayList<>();
            List<Phase> bts = new ArrayList<>();
            List<Phase> kls = new ArrayList<>();
            List<Phase> bls = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                // alternate kernel and limit so that drift in the machine's speed hits both alike
                kts.add(quiet(() -> throughput(viaKernel, agents, perAgent, window)));
                bts.add(quiet(() -> throughput(viaBare, agents, perAgent, window)));
                kls.add(quiet(() -> latency(viaKernel, agents, latencyPerAgent, rate)));
                bls.add(quiet(() -> latency(viaBare, agents, latencyPerAgent, rate)));
            }
            Phase kt = median(kts, Phase::perSecond);
            Phase bt = median(bts, Phase::perSecond);
            Phase kl = median(kls, p -> p.latencies.percentileMicros(50));
            Phase bl = median(bls, p -> p.latencies.percentileMicros(50));
            long submitted = kts.stream().mapToLong(Phase::count).sum() + kls.stream().mapToLong(Phase::count).sum();
            long failed = kts.stream().mapToLong(Phase::errors).sum() + kls.stream().mapToLong(Phase::errors).sum();

            long expectedEvents = 3L * submitted;
            awaitEvents(subscribe ? eventsBefore + expectedEvents : 0);
            long delivered = eventsSeen.sum() - eventsBefore;

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("bench", "kernel");
            r.put("agents", agents);
            r.put("workers", llm.workers() + " " + llm.threads());
            r.put("rounds", rounds);
            r.put("syscalls", submitted);
            r.put("errors", failed);
            r.put("throughput_per_s", round(kt.perSecond()));
            r.put("p50_us", round(kl.latencies.percentileMicros(50)));
            r.put("p99_us", round(kl.latencies.percentileMicros(99)));
            r.put("limit_throughput_per_s", round(bt.perSecond()));
            r.put("limit_p50_us", round(bl.latencies.percentileMicros(50)));
            r.put("limit_p99_us", round(bl.latencies.percentileMicros(99)));
            r.put("throughput_ratio", round2(bt.perSecond() / kt.perSecond()));
            r.put("p50_ratio", round2(kl.latencies.percentileMicros(50) / bl.latencies.percentileMicros(50)));
            r.put("latency_rate_per_s", rate);
            r.put("subscriber", subscribe);
            r.put("events_expected", subscribe ? expectedEvents : 0);
            r.put("events_delivered", delivered);
            r.put("boot_ms", bootMs);
            r.put("paused", paused.names().isEmpty() ? "none" : String.join(",", paused.names()));
            return json ? toJson(r) : toTable(r).stripTrailing();
        } finally {
            names.forEach(kernel::unregister);
            if (handler != null) {
                handler.unregister();
                handler = null;
            }
        }
    }

    /** Events are delivered asynchronously: give the subscriber up to 30 s to catch up. */
    private void awaitEvents(long total) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (eventsSeen.sum() < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private record Phase(long count, long errors, long nanos, Latencies latencies) {
        double perSecond() {
            return count * 1e9 / nanos;
        }
    }

    private interface PhaseRun {
        Phase run() throws InterruptedException;
    }

    /** Runs a phase after a garbage collection, so that one phase's garbage is not collected in the next. */
    private static Phase quiet(PhaseRun phase) throws InterruptedException {
        System.gc();
        return phase.run();
    }

    private static Phase median(List<Phase> phases, java.util.function.ToDoubleFunction<Phase> by) {
        List<Phase> sorted = new ArrayList<>(phases);
        sorted.sort(java.util.Comparator.comparingDouble(by));
        return sorted.get(sorted.size() / 2);
    }

    /** Every agent keeps {@code window} syscalls in flight until it has submitted {@code perAgent}. */
    private static Phase throughput(IntFunction<CompletionStage<?>> submit, int agents, int perAgent, int window)
            throws InterruptedException {
        Latencies lat = new Latencies(agents * perAgent);
        LongAdder errors = new LongAdder();
        CountDownLatch done = new CountDownLatch(agents);
        long t0 = System.nanoTime();
        for (int a = 0; a < agents; a++) {
            int agent = a;
            Thread.ofVirtual().start(() -> {
                Semaphore inFlight = new Semaphore(window);
                try {
                    for (int i = 0; i < perAgent; i++) {
                        inFlight.acquire();
                        long s = System.nanoTime();
                        submit.apply(agent).whenComplete((r, e) -> {
                            lat.record(System.nanoTime() - s);
                            if (e != null) {
                                errors.increment();
                            }
                            inFlight.release();
                        });
                    }
                    inFlight.acquire(window);
                } catch (RuntimeException e) {
                    errors.increment();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        return new Phase((long) agents * perAgent, errors.sum(), System.nanoTime() - t0, lat);
    }

    /** Every agent submits one syscall at a time, pausing an exponential think time; total rate ≈ {@code rate}. */
    private static Phase latency(IntFunction<CompletionStage<?>> submit, int agents, int perAgent, int rate)
            throws InterruptedException {
        Latencies lat = new Latencies(agents * perAgent);
        LongAdder errors = new LongAdder();
        CountDownLatch done = new CountDownLatch(agents);
        double meanThinkNanos = agents * 1e9 / rate;
        AtomicLong count = new AtomicLong();
        long t0 = System.nanoTime();
        for (int a = 0; a < agents; a++) {
            int agent = a;
            Thread.ofVirtual().start(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    for (int i = 0; i < perAgent; i++) {
                        Thread.sleep(java.time.Duration.ofNanos((long) (-Math.log(1 - rnd.nextDouble()) * meanThinkNanos)));
                        long s = System.nanoTime();
                        var f = submit.apply(agent).whenComplete((r, e) -> lat.record(System.nanoTime() - s));
                        try {
                            f.toCompletableFuture().join();
                        } catch (RuntimeException e) {
                            errors.increment();
                        }
                        count.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        return new Phase(count.get(), errors.sum(), System.nanoTime() - t0, lat);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    static String toJson(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder("{");
        m.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"').append(k).append("\":");
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        });
        return sb.append('}').toString();
    }

    static String toTable(Map<String, Object> m) {
        int w = m.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(k).append(" ".repeat(w - k.length() + 2)).append(v).append('\n'));
        return sb.toString();
    }
}
