package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.storage.SyscallHistory;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With a history recorder installed, a syscall is acknowledged only once the recorder says its entry is durable. */
class DurableAcknowledgmentTest {

    /**
     * A recorder that keeps entries until {@link #flush} makes them "durable": then it acknowledges them on a thread
     * of its own, as the contract asks. {@link #close} acknowledges what it still holds, as a stopping recorder must.
     */
    static final class HeldHistory implements SyscallHistory {
        private final List<Runnable> held = new ArrayList<>();
        final List<SyscallInfo> durable = new ArrayList<>();
        private final List<SyscallInfo> pending = new ArrayList<>();

        @Override
        public synchronized void record(SyscallInfo finished, int priority, Runnable ack) {
            pending.add(finished);
            held.add(ack);
        }

        synchronized int held() {
            return held.size();
        }

        /** Makes every held entry durable and acknowledges them; returns when the acknowledgments have run. */
        void flush() throws InterruptedException {
            List<Runnable> acks;
            synchronized (this) {
                acks = List.copyOf(held);
                held.clear();
                durable.addAll(pending);
                pending.clear();
            }
            Thread t = Thread.ofPlatform().name("held-history").start(() -> acks.forEach(Runnable::run));
            t.join();
        }
    }

    private KernelRouter kernel;

    @AfterEach
    void stop() {
        if (kernel != null) {
            kernel.deactivate();
        }
    }

    private GatedBackend start(SyscallHistory recorder) {
        kernel = TestKernels.start(Map.of("llm.workers", 1), null);
        if (recorder != null) {
            kernel.setSyscallHistory(recorder);
        }
        GatedBackend backend = new GatedBackend();
        kernel.addLlmBackend(null, backend);
        kernel.register("a");
        return backend;
    }

    /** Waits until the kernel reports the syscall finished (its worker is done with it). */
    private void awaitFinished(SyscallHandle h) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!kernel.status(h.id()).orElseThrow().status().isFinal()) {
            assertTrue(System.nanoTime() < deadline, "syscall " + h.id() + " did not finish within 10 s");
            Thread.sleep(1);
        }
    }

    @Test
    void theHandleCompletesOnlyOnceTheRecorderSaysTheEntryIsDurable() throws Exception {
        HeldHistory history = new HeldHistory();
        GatedBackend backend = start(history);
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "hello"));
        backend.permits.release();
        awaitFinished(h);
        assertEquals(SyscallStatus.COMPLETED, kernel.status(h.id()).orElseThrow().status());
        Thread.sleep(50); // time enough for a completion that does not wait for the recorder
        assertFalse(h.result().toCompletableFuture().isDone(), "acknowledged before the history was durable");
        assertEquals(1, history.held());

        history.flush();
        LlmResult r = (LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("hello", r.text());
        SyscallInfo entry = history.durable.getFirst();
        assertEquals(h.id(), entry.id());
        assertEquals("a", entry.agent());
        assertEquals(SyscallStatus.COMPLETED, entry.status());
        assertEquals(h.timings(), entry.timings());
    }

    @Test
    void failedAndCancelledSyscallsAreAcknowledgedThroughTheRecorderToo() throws Exception {
        HeldHistory history = new HeldHistory();
        GatedBackend backend = start(history);
        SyscallHandle running = kernel.submit(LlmQuery.chat("a", "first"));
        backend.awaitEntered(1);
        SyscallHandle waiting = kernel.submit(LlmQuery.chat("a", "second"));
        assertTrue(kernel.cancel(waiting.id()));
        kernel.addLlmBackend(null, new LlmBackend() {
            @Override
            public List<String> models() {
                return List.of("broken");
            }

            @Override
            public LlmResult complete(LlmQuery query) {
                throw new IllegalStateException("the broken model cannot answer");
            }
        });
        SyscallHandle failing = kernel.submit(new LlmQuery("a", List.of(Message.user("x")), null, null, null,
                "broken", null));
        backend.permits.release();
        for (SyscallHandle h : List.of(running, waiting, failing)) {
            awaitFinished(h);
        }
        Thread.sleep(50);
        assertFalse(waiting.result().toCompletableFuture().isDone());
        assertFalse(failing.result().toCompletableFuture().isDone());

        history.flush();
        assertThrows(CancellationException.class, () -> waiting.result().toCompletableFuture().get(10, TimeUnit.SECONDS));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> failing.result().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("the broken model cannot answer"), e.getCause().getMessage());
        running.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(SyscallStatus.COMPLETED, SyscallStatus.FAILED, SyscallStatus.CANCELLED),
                history.durable.stream().map(SyscallInfo::status).sorted().toList());
    }

    @Test
    void theFinishedEventSaysWhetherTheSyscallWentToTheHistory() throws Exception {
        // a history written from events writes the rows of the syscalls that did not (no recorder was installed)
        TestKernels.EventRecorder events = new TestKernels.EventRecorder();
        kernel = TestKernels.start(Map.of("llm.workers", 1), events);
        kernel.addLlmBackend(null, new TestKernels.EchoBackend());
        kernel.register("a");
        kernel.submit(LlmQuery.chat("a", "before")).result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        HeldHistory history = new HeldHistory();
        kernel.setSyscallHistory(history);
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "after"));
        awaitFinished(h);
        history.flush();
        h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<org.osgi.service.event.Event> completed = events.topic(KernelEvents.COMPLETED, 2);
        assertEquals(2, completed.size());
        assertEquals(null, completed.get(0).getProperty(KernelEvents.RECORDED));
        assertEquals(Boolean.TRUE, completed.get(1).getProperty(KernelEvents.RECORDED));
    }

    @Test
    void withoutARecorderTheHandleCompletesAtOnce() throws Exception {
        GatedBackend backend = start(null);
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "hello"));
        backend.permits.release();
        assertEquals("hello", ((LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text());
    }

    @Test
    void aRecorderThatThrowsStillGetsTheHandleCompleted() throws Exception {
        GatedBackend backend = start((finished, priority, durable) -> {
            throw new IllegalStateException("the disk is on fire");
        });
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "hello"));
        backend.permits.release();
        assertEquals("hello", ((LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text());
    }

    @Test
    void deactivatingTheKernelCompletesEveryHandle_evenWhenTheRecorderNeverAcknowledges() throws Exception {
        HeldHistory history = new HeldHistory(); // never flushed
        GatedBackend backend = start(history);
        kernel.acknowledgeWaitMs = 200;
        SyscallHandle done = kernel.submit(LlmQuery.chat("a", "done"));
        backend.permits.release();
        awaitFinished(done);
        SyscallHandle running = kernel.submit(LlmQuery.chat("a", "running"));
        backend.awaitEntered(2);
        List<SyscallHandle> waiting = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiting.add(kernel.submit(LlmQuery.chat("a", "waiting " + i)));
        }
        assertFalse(done.result().toCompletableFuture().isDone());

        long t0 = System.nanoTime();
        kernel.deactivate();
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        kernel = null;
        assertEquals("done", ((LlmResult) done.result().toCompletableFuture().get(1, TimeUnit.SECONDS)).text());
        for (SyscallHandle h : waiting) {
            assertThrows(CancellationException.class, () -> h.result().toCompletableFuture().get(1, TimeUnit.SECONDS));
        }
        // the interrupted worker finishes after deactivation, with no recorder in the way any more or through it
        CompletableFuture<?> r = running.result().toCompletableFuture();
        try {
            r.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | CancellationException expected) {
            // failed or cancelled by the stop: what matters is that it completed
        }
        assertTrue(r.isDone());
        assertTrue(tookMs >= 200 && tookMs < 5_000, "deactivation took " + tookMs + " ms");
    }

    @Test
    void deactivatingTheKernelWaitsForARecorderThatAcknowledgesLate() throws Exception {
        HeldHistory history = new HeldHistory();
        GatedBackend backend = start(history);
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "late"));
        backend.permits.release();
        awaitFinished(h);
        Thread flusher = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
                history.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        kernel.deactivate();
        kernel = null;
        assertTrue(h.result().toCompletableFuture().isDone(), "deactivation returned before the acknowledgment");
        assertEquals(1, history.durable.size());
        flusher.join();
    }
}
