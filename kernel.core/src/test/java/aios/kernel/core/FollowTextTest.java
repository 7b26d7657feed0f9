package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallHandle;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.Generation;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link aios.kernel.api.Kernel#followText}: the text of a generation, piece by piece, as it is generated. */
class FollowTextTest {

    private final TestKernels.EventRecorder events = new TestKernels.EventRecorder();
    private KernelRouter kernel;

    @AfterEach
    void stop() {
        if (kernel != null) {
            kernel.deactivate();
        }
    }

    private void start() {
        kernel = TestKernels.start(Map.of("llm.workers", 1), events);
        kernel.register("a");
        kernel.register("b");
    }

    private static LlmQuery generation(String agent, String model, int tokens, long seed) {
        return new LlmQuery(agent, List.of(Message.user(agent)), List.of(), LlmAction.CHAT,
                new Sampling(tokens, 0.8, 1.0, seed), model, Scheduling.DEFAULT);
    }

    /** Occupies the single LLM worker until {@code gate} lets it go, so that what is submitted next waits. */
    private SyscallHandle holdTheWorker(GatedBackend gate) throws InterruptedException {
        kernel.addLlmBackend(null, gate);
        SyscallHandle hold = kernel.submit(new LlmQuery("a", List.of(Message.user("hold")), List.of(), LlmAction.CHAT,
                Sampling.DEFAULT, "gated", Scheduling.DEFAULT));
        gate.awaitEntered(1);
        return hold;
    }

    private static String text(SyscallHandle h) throws Exception {
        return ((LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text();
    }

    @Test
    void theTextArrivesInPiecesThatJoinToTheResult() throws Exception {
        start();
        kernel.addLlmBackend(null, new SteppingBackend());
        GatedBackend gate = new GatedBackend();
        holdTheWorker(gate);
        SyscallHandle h = kernel.submit(generation("a", "stepping", 200, 7));
        List<String> pieces = new CopyOnWriteArrayList<>();
        kernel.followText(h.id(), pieces::add);
        gate.permits.release();

        String result = text(h);
        assertEquals(result, String.join("", pieces));
        assertTrue(pieces.size() >= 200 / 16, "a piece per step of 16 tokens: " + pieces.size());
        assertTrue(pieces.stream().noneMatch(String::isEmpty), "no empty piece: " + pieces);
    }

    @Test
    void aListenerAddedMidGenerationGetsTheTextSoFarFirst_andClosingStopsDelivery() throws Exception {
        start();
        StepByStep backend = new StepByStep();
        kernel.addLlmBackend(null, backend);
        SyscallHandle h = kernel.submit(generation("a", "steps", 10, 1));
        backend.allow(3); // three words before anybody follows
        backend.awaitWaitingInStep(4);

        List<String> early = new CopyOnWriteArrayList<>();
        List<String> late = new CopyOnWriteArrayList<>();
        AutoCloseable first = kernel.followText(h.id(), early::add);
        backend.allow(1);
        awaitPieces(early, 1);
        assertEquals(List.of("w0 w1 w2 w3"), early, "the text so far, as one piece");

        backend.allow(2);
        backend.awaitWaitingInStep(7);
        assertEquals(3, early.size(), "a piece per step: " + early);
        first.close();
        first.close(); // again: nothing happens
        kernel.followText(h.id(), late::add);
        backend.allow(4);

        String result = text(h);
        assertEquals("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", result);
        assertEquals(List.of("w0 w1 w2 w3", " w4", " w5"), early, "nothing after close");
        assertEquals(result, String.join("", late), "a second listener gets all the text, from the start");
    }

    @Test
    void underPreemptionEachListenerGetsItsOwnGenerationsTextExactly() throws Exception {
        start();
        SteppingBackend backend = new SteppingBackend();
        kernel.addLlmBackend(null, backend);
        kernel.installPolicy(TestKernels.provider("sliced", PreemptionTest.SlicedFifo::new));
        kernel.switchPolicy(Resource.LLM, "sliced", Map.of("slice.tokens", "2"));
        GatedBackend gate = new GatedBackend();
        holdTheWorker(gate);
        SyscallHandle a = kernel.submit(generation("a", "stepping", 40, 1));
        SyscallHandle b = kernel.submit(generation("b", "stepping", 40, 2));
        List<String> pa = new CopyOnWriteArrayList<>();
        List<String> pb = new CopyOnWriteArrayList<>();
        kernel.followText(a.id(), pa::add);
        kernel.followText(b.id(), pb::add);
        gate.permits.release();

        assertEquals(text(a), String.join("", pa));
        assertEquals(text(b), String.join("", pb));
        assertTrue(pa.size() >= 40 / 2 && pb.size() >= 40 / 2, "a piece per slice: " + pa.size() + ", " + pb.size());
        assertTrue(events.topic(KernelEvents.PREEMPTED, 10).size() >= 10, "they took turns");
    }

    @Test
    void aBackendThatDoesNotStepDeliversTheWholeTextAtTheEnd() throws Exception {
        start();
        GatedBackend gate = new GatedBackend();
        SyscallHandle h = holdTheWorker(gate);
        List<String> pieces = new CopyOnWriteArrayList<>();
        kernel.followText(h.id(), pieces::add);
        assertEquals(List.of(), pieces);
        gate.permits.release();
        assertEquals(List.of(text(h)), pieces);
    }

    @Test
    void aListenerThatThrowsIsDropped_andTheGenerationGoesOn() throws Exception {
        start();
        StepByStep backend = new StepByStep();
        kernel.addLlmBackend(null, backend);
        SyscallHandle h = kernel.submit(generation("a", "steps", 5, 1));
        List<String> seen = new CopyOnWriteArrayList<>();
        kernel.followText(h.id(), piece -> {
            seen.add(piece);
            throw new IllegalStateException("this listener breaks");
        });
        backend.allow(5);
        assertEquals("w0 w1 w2 w3 w4", text(h));
        assertEquals(1, seen.size(), "called once, then no more: " + seen);
    }

    @Test
    void unknownAndNonLlmSyscallsAreRefused_andAnEndedOneDeliversNothing() throws Exception {
        start();
        kernel.setMemoryManager(new KernelRouterTest.WorkingSet());
        SyscallHandle note = kernel.submit(new MemoryQuery("a", new MemoryOperation.Add("a note", null)));
        note.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        var notLlm = assertThrows(IllegalArgumentException.class, () -> kernel.followText(note.id(), s -> { }));
        assertTrue(notLlm.getMessage().contains("syscall " + note.id() + " is a memory syscall"), notLlm.getMessage());
        var unknown = assertThrows(IllegalArgumentException.class, () -> kernel.followText(9999, s -> { }));
        assertTrue(unknown.getMessage().contains("syscall 9999 is unknown"), unknown.getMessage());

        kernel.addLlmBackend(null, new SteppingBackend());
        SyscallHandle done = kernel.submit(generation("a", "stepping", 5, 1));
        text(done);
        List<String> pieces = new CopyOnWriteArrayList<>();
        kernel.followText(done.id(), pieces::add).close();
        assertEquals(List.of(), pieces, "its result holds the text");
    }

    @Test
    void partOfAMultiByteCharacterWaitsForTheRestOfIt() {
        List<String> pieces = new CopyOnWriteArrayList<>();
        TextFollower f = new TextFollower(pieces::add, () -> { });
        f.offer("caf", false);
        f.offer("caf\uFFFD", false); // the first byte of é only
        f.offer("café", false);
        f.offer("café \uFFFD", true); // at the end nothing is held back
        assertEquals(List.of("caf", "é", " \uFFFD"), pieces);
    }

    private static void awaitPieces(List<String> pieces, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pieces.size() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("fewer than " + n + " pieces within 10 s: " + pieces);
            }
            Thread.sleep(1);
        }
    }

    /**
     * A backend whose generation makes one word ("w0", "w1", …) per step, each step waiting for a permit, so that a
     * test decides how far it has got when it starts to follow.
     */
    static final class StepByStep implements LlmBackend {
        private final Semaphore permits = new Semaphore(0);
        private final Semaphore started = new Semaphore(0);
        private int seen;

        void allow(int n) {
            permits.release(n);
        }

        /**
         * Waits until step {@code n} (from 1) has begun and waits for its permit: the steps before it, and what the
         * kernel does after each, are done.
         */
        void awaitWaitingInStep(int n) throws InterruptedException {
            int need = n - seen;
            if (need > 0 && !started.tryAcquire(need, 10, TimeUnit.SECONDS)) {
                throw new AssertionError("the generation did not reach step " + n + " within 10 s");
            }
            seen = Math.max(seen, n);
            while (!permits.hasQueuedThreads()) {
                Thread.onSpinWait();
            }
        }

        @Override
        public List<String> models() {
            return List.of("steps");
        }

        @Override
        public LlmResult complete(LlmQuery query) {
            throw new UnsupportedOperationException("the kernel generates in steps with this backend");
        }

        @Override
        public Generation start(LlmQuery query) {
            int max = query.sampling().maxTokens();
            return new Generation() {
                private final StringBuilder text = new StringBuilder();
                private int tokens;

                @Override
                public int step(int maxTokens) throws InterruptedException {
                    started.release();
                    permits.acquire();
                    text.append(tokens == 0 ? "" : " ").append('w').append(tokens);
                    tokens++;
                    return 1;
                }

                @Override
                public boolean finished() {
                    return tokens >= max;
                }

                @Override
                public int tokens() {
                    return tokens;
                }

                @Override
                public LlmResult result() {
                    return new LlmResult(text.toString(), List.of(), finished() ? "length" : null, 1, tokens, "steps");
                }

                @Override
                public byte[] snapshot() {
                    throw new UnsupportedOperationException("kept in memory only");
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
