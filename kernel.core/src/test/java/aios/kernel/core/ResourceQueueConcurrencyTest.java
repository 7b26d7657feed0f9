package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.Timings;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ResourceQueueConcurrencyTest {

    @Test
    void thousandAgentsTimesHundredSyscalls_nothingLostNothingRunTwice_timingsMonotonic() throws Exception {
        var backend = new TestKernels.EchoBackend();
        var events = new TestKernels.EventRecorder();
        KernelRouter kernel = TestKernels.start(Map.of("llm.capacity", 200_000, "llm.workers", 4), events);
        kernel.addLlmBackend(null, backend);
        int agents = 1000;
        int perAgent = 100;
        List<List<SyscallHandle>> handles = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            String agent = "agent-" + a;
            kernel.register(agent);
            List<SyscallHandle> mine = new ArrayList<>(perAgent);
            handles.add(mine);
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < perAgent; i++) {
                    mine.add(kernel.submit(LlmQuery.chat(agent, agent + "#" + i)));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        List<CompletableFuture<?>> all = handles.stream().flatMap(List::stream)
                .map(h -> h.result().toCompletableFuture()).<CompletableFuture<?>>map(f -> f).toList();
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertEquals(agents * perAgent, backend.runs.size(), "every syscall ran");
        assertTrue(backend.runs.values().stream().allMatch(n -> n == 1), "no syscall ran twice");
        for (int a = 0; a < agents; a++) {
            List<SyscallHandle> mine = handles.get(a);
            assertEquals(perAgent, mine.size());
            long previousId = 0;
            for (int i = 0; i < perAgent; i++) {
                SyscallHandle h = mine.get(i);
                assertEquals(SyscallStatus.COMPLETED, h.status());
                LlmResult r = (LlmResult) h.result().toCompletableFuture().join();
                assertEquals("agent-" + a + "#" + i, r.text(), "each handle carries its own result");
                Timings t = h.timings();
                assertTrue(!t.arrival().isAfter(t.start()) && !t.start().isAfter(t.end()), "arrival ≤ start ≤ end: " + t);
                assertEquals(t.turnaround(), t.waiting().plus(t.service()));
                assertTrue(h.id() > previousId, "ids increase in submission order");
                previousId = h.id();
            }
        }
        QueueInfo llm = kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
        assertEquals(agents * perAgent, llm.completed());
        assertEquals(0, llm.waiting());
        assertEquals(0, llm.running());
        assertEquals(agents * perAgent, events.topic(KernelEvents.SUBMITTED, agents * perAgent).size());
        assertEquals(agents * perAgent, events.topic(KernelEvents.STARTED, agents * perAgent).size());
        assertEquals(agents * perAgent, events.topic(KernelEvents.COMPLETED, agents * perAgent).size());
        assertEquals(perAgent, kernel.agents().get(0).completed());
        // one publisher posts every event: each syscall's events arrive in the order of its steps
        Map<Object, String> last = new java.util.HashMap<>();
        synchronized (events.events) {
            for (var e : events.events) {
                if (!e.getTopic().startsWith("aios/syscall/")) {
                    continue;
                }
                String previous = last.put(e.getProperty(KernelEvents.ID), e.getTopic());
                String expectedPrevious = switch (e.getTopic()) {
                    case KernelEvents.SUBMITTED -> null;
                    case KernelEvents.STARTED -> KernelEvents.SUBMITTED;
                    default -> KernelEvents.STARTED;
                };
                assertEquals(expectedPrevious, previous, "event order of syscall " + e.getProperty(KernelEvents.ID));
            }
        }
        kernel.deactivate();
    }
}
