package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.GenerationCheckpoint;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.Generation;
import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PreemptionTest {

    /** FIFO with a time slice in tokens ({@code slice.tokens}), like round robin for a single agent each. */
    static final class SlicedFifo implements SchedulingPolicy {
        private final ArrayDeque<Task> q = new ArrayDeque<>();
        private int slice;

        @Override
        public void configure(Map<String, String> parameters) {
            slice = Integer.parseInt(parameters.getOrDefault("slice.tokens", "0"));
        }

        @Override
        public int timeSliceTokens() {
            return slice;
        }

        public void offer(Task t) {
            q.add(t);
        }

        public Task poll() {
            return q.poll();
        }

        public boolean remove(Task t) {
            return q.remove(t);
        }

        public List<Task> drain() {
            var all = new ArrayList<>(q);
            q.clear();
            return all;
        }

        public int size() {
            return q.size();
        }
    }

    private final TestKernels.EventRecorder events = new TestKernels.EventRecorder();
    private final SteppingBackend backend = new SteppingBackend();
    private KernelRouter kernel;

    @AfterEach
    void stop() {
        if (kernel != null) {
            kernel.deactivate();
        }
    }

    private void start(int sliceTokens) {
        kernel = TestKernels.start(Map.of("llm.workers", 1), events);
        kernel.addLlmBackend(null, backend);
        kernel.installPolicy(TestKernels.provider("sliced", SlicedFifo::new));
        kernel.switchPolicy(Resource.LLM, "sliced", Map.of("slice.tokens", String.valueOf(sliceTokens)));
        for (String a : List.of("a", "b", "c")) {
            kernel.register(a);
        }
    }

    private static LlmQuery generation(String agent, int tokens, long seed) {
        return new LlmQuery(agent, List.of(Message.user(agent)), List.of(), LlmAction.CHAT,
                new Sampling(tokens, 0.8, 1.0, seed), "stepping", Scheduling.DEFAULT);
    }

    /** Occupies the single LLM worker with a syscall that runs until {@code gate} lets it finish. */
    private SyscallHandle holdTheWorker(GatedBackend gate) throws InterruptedException {
        kernel.addLlmBackend(null, gate);
        SyscallHandle hold = kernel.submit(new LlmQuery("a", List.of(Message.user("hold")), List.of(), LlmAction.CHAT,
                Sampling.DEFAULT, "gated", Scheduling.DEFAULT));
        gate.awaitEntered(1);
        return hold;
    }

    /** What one generation produces when nothing interrupts it. */
    private String uninterrupted(LlmQuery q) throws Exception {
        return new SteppingBackend().complete(q).text();
    }

    @Test
    void generationsInterleaveSliceBySlice_andEachEndsAsIfUninterrupted() throws Exception {
        start(4);
        // hold the single worker until all three generations wait, so that none can run alone to its end
        GatedBackend gate = new GatedBackend();
        SyscallHandle hold = holdTheWorker(gate);
        List<LlmQuery> queries = List.of(generation("a", 20, 1), generation("b", 20, 2), generation("c", 20, 3));
        List<SyscallHandle> hs = new ArrayList<>();
        for (LlmQuery q : queries) {
            hs.add(kernel.submit(q));
        }
        gate.permits.release();
        hold.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            LlmResult r = (LlmResult) hs.get(i).result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(uninterrupted(queries.get(i)), r.text(), "agent " + queries.get(i).agent());
            assertEquals(20, r.completionTokens());
        }
        // the worker switched between the generations every 4 tokens: a b c a b c …
        List<String> owners = backend.log.stream().map(s -> s.substring(0, 1)).toList();
        int switches = 0;
        for (int i = 1; i < owners.size(); i++) {
            if (!owners.get(i).equals(owners.get(i - 1))) {
                switches++;
                assertEquals(0, Integer.parseInt(backend.log.get(i).substring(2)) % 4,
                        "a switch happens at a slice boundary: " + backend.log);
            }
        }
        assertEquals(List.of("a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c", "a"), owners.subList(0, 13));
        assertTrue(switches >= 12, "generations were interleaved: " + owners);
        assertTrue(events.topic(KernelEvents.PREEMPTED, 12).size() >= 12);
        assertEquals(4, events.topic(KernelEvents.COMPLETED, 4).size(), "the three and the one that held the worker");
    }

    @Test
    void aGenerationAloneIsNotPreempted() throws Exception {
        start(4);
        SyscallHandle h = kernel.submit(generation("a", 30, 9));
        LlmResult r = (LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(uninterrupted(generation("a", 30, 9)), r.text());
        Thread.sleep(50);
        assertEquals(0, events.topic(KernelEvents.PREEMPTED).size(), "no context switch when nobody waits");
    }

    @Test
    void aSnapshotResumesExactlyWhereTheGenerationStopped() throws Exception {
        LlmQuery q = generation("a", 25, 5);
        Generation first = backend.start(q);
        first.step(11);
        byte[] snapshot = first.snapshot();
        first.close();
        Generation resumed = backend.resume(q, snapshot);
        while (!resumed.finished()) {
            resumed.step(3);
        }
        assertEquals(uninterrupted(q), resumed.result().text());
        assertThrows(IllegalArgumentException.class, () -> backend.resume(q, new byte[] {1, 2, 3}));
    }

    @Test
    void aCheckpointCapturesWaitingAndRunningGenerations_andResumeContinuesEachExactly() throws Exception {
        start(2);
        LlmQuery qa = generation("a", 3000, 1);
        LlmQuery qb = generation("b", 3000, 2);
        SyscallHandle a = kernel.submit(qa);
        SyscallHandle b = kernel.submit(qb);
        // they take turns, two tokens at a time, once both are in
        while (backend.log.stream().filter(e -> e.startsWith("b#")).count() < 10) {
            Thread.sleep(1);
        }
        // one of the two runs while the other waits: both are captured, and both go on
        List<GenerationCheckpoint> cps = new ArrayList<>(kernel.checkpoint("a"));
        cps.addAll(kernel.checkpoint("b"));
        assertEquals(2, cps.size());
        for (GenerationCheckpoint cp : cps) {
            assertTrue(cp.tokens() > 0 && cp.state().length > 0, cp.query().agent() + " had started: " + cp.tokens());
            SyscallHandle continued = kernel.resume(cp.query(), cp.state());
            assertEquals(uninterrupted(cp.query()),
                    ((LlmResult) continued.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text(),
                    "agent " + cp.query().agent() + " resumed at token " + cp.tokens());
        }
        assertEquals(uninterrupted(qa), ((LlmResult) a.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text());
        assertEquals(uninterrupted(qb), ((LlmResult) b.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text());
        assertEquals(List.of(), kernel.checkpoint("a"), "a finished generation is not captured");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> kernel.resume(qa, new byte[] {1, 2, 3}));
        assertTrue(bad.getMessage().contains("cannot be resumed: not a snapshot of the stepping backend"),
                bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> kernel.checkpoint("nobody"));
    }

    @Test
    void aGenerationThatHasNotStartedIsCapturedAsItsQuery() throws Exception {
        start(2);
        GatedBackend gate = new GatedBackend();
        SyscallHandle hold = holdTheWorker(gate);
        LlmQuery qc = generation("c", 30, 3);
        kernel.submit(qc);
        GenerationCheckpoint cp = kernel.checkpoint("c").getFirst();
        assertEquals(0, cp.tokens());
        assertEquals(0, cp.state().length);
        assertEquals(qc, cp.query());
        gate.permits.release();
        hold.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        SyscallHandle again = kernel.resume(cp.query(), cp.state());
        assertEquals(uninterrupted(qc), ((LlmResult) again.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text());
    }

    @Test
    void cancellingAPreemptedGeneration_endsItWithoutRunningTheRest() throws Exception {
        start(2);
        SyscallHandle a = kernel.submit(generation("a", 1_000_000, 1));
        SyscallHandle b = kernel.submit(generation("b", 6, 2));
        b.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertTrue(kernel.cancel(a.id()));
        assertThrows(CancellationException.class, () -> a.result().toCompletableFuture().get(10, TimeUnit.SECONDS));
        int tokensOfA = (int) backend.log.stream().filter(s -> s.startsWith("a#")).count();
        Thread.sleep(50);
        assertEquals(tokensOfA, backend.log.stream().filter(s -> s.startsWith("a#")).count(), "a stopped for good");
        assertTrue(tokensOfA < 1_000_000);
    }

    // repeated: the race it guards (a worker taking a task just as the kernel stops, missing its interrupt, then
    // running the generation on under the closed queue's slice-less stand-in policy) showed about once in 300 runs
    @org.junit.jupiter.api.RepeatedTest(30)
    void stoppingTheKernelEndsGenerationsThatTakeTurns_noHandleIsLeftHanging() throws Exception {
        start(2);
        SyscallHandle a = kernel.submit(generation("a", 50_000_000, 1));
        SyscallHandle b = kernel.submit(generation("b", 50_000_000, 2));
        Thread.sleep(20); // they take turns, two tokens at a time
        kernel.deactivate();
        KernelRouter stopped = kernel;
        kernel = null;
        for (SyscallHandle h : List.of(a, b)) {
            var f = h.result().toCompletableFuture();
            try {
                f.get(5, TimeUnit.SECONDS); // a TimeoutException here means a handle was left hanging
                org.junit.jupiter.api.Assertions.fail("a 50-million-token generation cannot have completed");
            } catch (CancellationException | java.util.concurrent.ExecutionException ended) {
                // cancelled (it was waiting) or failed (it was interrupted while running)
            }
        }
        assertTrue(stopped.queues().stream().allMatch(q -> q.waiting() == 0));
    }
}
