package aios.kernel.core;

import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Builds kernels for tests, outside a framework: configuration, policies, a backend and an event recorder. */
final class TestKernels {
    private static final AtomicLong providerIds = new AtomicLong(1000);

    private TestKernels() {
    }

    /** The kernel's configuration with its defaults, overridden by {@code overrides} (keys as in the .cfg file). */
    static KernelConfig config(Map<String, Object> overrides) {
        return KernelConfigs.of(overrides);
    }

    static KernelRouter start(Map<String, Object> overrides, EventAdmin events) {
        KernelRouter k = new KernelRouter();
        if (events != null) {
            k.setEventAdmin(events);
        }
        k.installPolicy(provider("fifo", BuiltinFifo::new));
        k.activate(config(overrides));
        return k;
    }

    static PolicyProvider provider(String name, Supplier<SchedulingPolicy> factory) {
        return new PolicyProvider(name, name + " for tests", 0, providerIds.incrementAndGet(), factory, p -> { });
    }

    /** A model backend that answers at once with the prompt's text, counting how often each prompt ran. */
    static final class EchoBackend implements LlmBackend {
        final Map<String, Integer> runs = Collections.synchronizedMap(new HashMap<>());

        @Override
        public List<String> models() {
            return List.of("echo");
        }

        @Override
        public LlmResult complete(LlmQuery query) {
            String prompt = query.messages().get(0).content();
            runs.merge(prompt, 1, Integer::sum);
            return new LlmResult(prompt, List.of(), "stop", 1, 1, "echo");
        }
    }

    /** Records every event. */
    static final class EventRecorder implements EventAdmin {
        final List<Event> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void postEvent(Event event) {
            events.add(event);
        }

        @Override
        public void sendEvent(Event event) {
            events.add(event);
        }

        List<Event> topic(String topic) {
            synchronized (events) {
                return events.stream().filter(e -> e.getTopic().equals(topic)).toList();
            }
        }

        /** The events of a topic once there are at least {@code n} (the kernel posts them from its own thread). */
        List<Event> topic(String topic, int n) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (topic(topic).size() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            return topic(topic);
        }
    }
}
