package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallRejectedException.Reason;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Syscall;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** Syscalls an access policy holds for approval: queued only when allowed, failed when denied, withdrawn on cancel. */
class AccessHoldTest {

    private final TestKernels.EventRecorder events = new TestKernels.EventRecorder();
    private KernelRouter kernel;
    private TestKernels.EchoBackend backend;

    @AfterEach
    void stop() {
        if (kernel != null) {
            kernel.deactivate();
        }
    }

    private void start(Function<Syscall, AccessDecision> policy) {
        kernel = TestKernels.start(Map.of(), events);
        backend = new TestKernels.EchoBackend();
        kernel.addLlmBackend(null, backend);
        kernel.setAccessPolicy(policy::apply);
        kernel.register("a");
    }

    private static AccessDecision held(String approval, CompletableFuture<AccessDecision> outcome, Runnable withdraw) {
        return AccessDecision.pending("waits for approval " + approval,
                new AccessDecision.Pending(approval, outcome, withdraw));
    }

    private static Throwable failure(SyscallHandle h) {
        var e = assertThrows(CompletionException.class,
                () -> h.result().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join());
        return e.getCause();
    }

    @Test
    void aHeldSyscall_waitsUnqueued_andRunsOnceAllowed() throws Exception {
        CompletableFuture<AccessDecision> outcome = new CompletableFuture<>();
        start(call -> held("7", outcome, null));
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "later"));
        assertEquals(SyscallStatus.HELD, h.status());
        assertEquals(SyscallStatus.HELD, kernel.status(h.id()).orElseThrow().status());
        Thread.sleep(50);
        assertFalse(h.result().toCompletableFuture().isDone());
        assertEquals(0, backend.runs.getOrDefault("later", 0));
        assertEquals(0, kernel.queues().stream().mapToInt(q -> q.waiting()).sum(), "a held syscall is in no queue");

        outcome.complete(new AccessDecision(true, "approved by the operator"));
        LlmResult r = (LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("later", r.text());
        Event pending = events.topic(KernelEvents.ACCESS_PENDING, 1).getFirst();
        assertEquals("7", pending.getProperty(KernelEvents.APPROVAL));
        assertEquals(h.id(), pending.getProperty(KernelEvents.ID));
        assertEquals("a", pending.getProperty(KernelEvents.AGENT));
        assertEquals("llm.chat", pending.getProperty(KernelEvents.KIND));
        Event approved = events.topic(KernelEvents.ACCESS_APPROVED, 1).getFirst();
        assertEquals("approved by the operator", approved.getProperty(KernelEvents.REASON));
        assertTrue((Long) approved.getProperty(KernelEvents.HELD) >= 50_000L, approved.toString());
        assertEquals(1, events.topic(KernelEvents.SUBMITTED, 1).size());
    }

    @Test
    void aDeniedHeldSyscall_failsWithAccessDeniedAndTheReason_andNeverRuns() throws Exception {
        CompletableFuture<AccessDecision> outcome = new CompletableFuture<>();
        start(call -> held("3", outcome, null));
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "never"));
        outcome.complete(AccessDecision.deny("denied by the operator: not today"));
        var e = assertInstanceOf(SyscallRejectedException.class, failure(h));
        assertEquals(Reason.ACCESS_DENIED, e.reason());
        assertEquals("denied by the operator: not today", e.getMessage());
        assertEquals(SyscallStatus.FAILED, h.status());
        assertEquals(0, backend.runs.getOrDefault("never", 0));
        Event denied = events.topic(KernelEvents.ACCESS_DENIED, 1).getFirst();
        assertEquals("3", denied.getProperty(KernelEvents.APPROVAL));
        assertEquals(h.id(), denied.getProperty(KernelEvents.ID));
        assertEquals("denied by the operator: not today", denied.getProperty(KernelEvents.REASON));
        assertEquals(1, events.topic(KernelEvents.FAILED, 1).size());
        assertEquals(0, events.topic(KernelEvents.SUBMITTED).size());
    }

    @Test
    void cancellingAHeldSyscall_withdrawsItsApproval_andALaterDecisionChangesNothing() throws Exception {
        CompletableFuture<AccessDecision> outcome = new CompletableFuture<>();
        AtomicInteger withdrawn = new AtomicInteger();
        start(call -> held("1", outcome, withdrawn::incrementAndGet));
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "withdrawn"));
        assertTrue(kernel.cancel(h.id()));
        assertInstanceOf(CancellationException.class, assertThrows(CancellationException.class,
                () -> h.result().toCompletableFuture().join()));
        assertEquals(1, withdrawn.get());
        assertEquals(SyscallStatus.CANCELLED, h.status());
        outcome.complete(AccessDecision.allow());
        Thread.sleep(50);
        assertEquals(0, backend.runs.getOrDefault("withdrawn", 0));
        assertEquals(SyscallStatus.CANCELLED, h.status());
    }

    @Test
    void unregisteringTheAgent_withdrawsItsHeldSyscalls() {
        AtomicInteger withdrawn = new AtomicInteger();
        start(call -> held("1", new CompletableFuture<>(), withdrawn::incrementAndGet));
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "x"));
        kernel.unregister("a");
        assertEquals(SyscallStatus.CANCELLED, h.status());
        assertEquals(1, withdrawn.get());
    }

    @Test
    void aPolicyStillLooking_mayAnswerWithAnApprovalLater_orAllowWithoutAnyoneAsked() throws Exception {
        CompletableFuture<AccessDecision> looking = new CompletableFuture<>();
        CompletableFuture<AccessDecision> operator = new CompletableFuture<>();
        start(call -> held(null, looking, null));
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "two steps"));
        looking.complete(held("9", operator, null));
        assertEquals(SyscallStatus.HELD, h.status());
        operator.complete(AccessDecision.allow());
        h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, events.topic(KernelEvents.ACCESS_PENDING, 1).size(), "one PENDING: when an operator is asked");
        assertEquals("9", events.topic(KernelEvents.ACCESS_APPROVED, 1).getFirst().getProperty(KernelEvents.APPROVAL));

        CompletableFuture<AccessDecision> quick = new CompletableFuture<>();
        kernel.setAccessPolicy(call -> held(null, quick, null));
        SyscallHandle h2 = kernel.submit(LlmQuery.chat("a", "no operator needed"));
        quick.complete(AccessDecision.allow());
        h2.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Thread.sleep(20);
        assertEquals(1, events.topic(KernelEvents.ACCESS_PENDING).size());
        assertEquals(1, events.topic(KernelEvents.ACCESS_APPROVED).size());
    }

    @Test
    void aHeldSyscallRefusedForAnotherReason_isWithdrawnFromItsPolicy() {
        AtomicInteger withdrawn = new AtomicInteger();
        start(call -> held("1", new CompletableFuture<>(), withdrawn::incrementAndGet));
        var e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(new aios.kernel.api.syscall.MemoryQuery(
                "a", new aios.kernel.api.syscall.MemoryOperation.Remove("n1"))));
        assertEquals(Reason.NO_SERVICE, e.reason());
        assertEquals(1, withdrawn.get());
    }

    @Test
    void anOutcomeAlreadyComplete_isTakenAtOnce() throws Exception {
        start(call -> held("5", CompletableFuture.completedFuture(AccessDecision.allow()), null));
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "at once"));
        assertEquals("at once", ((LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text());
    }

    @Test
    void aDenialAtSubmit_isRejectedAndPublishedAsAnAccessEvent() throws Exception {
        start(call -> AccessDecision.deny("agent 'a' lacks permission syscall:llm: grant it with acl:grant a syscall:llm"));
        var e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(LlmQuery.chat("a", "no")));
        assertEquals(Reason.ACCESS_DENIED, e.reason());
        Event denied = events.topic(KernelEvents.ACCESS_DENIED, 1).getFirst();
        assertTrue(((String) denied.getProperty(KernelEvents.REASON)).contains("acl:grant a syscall:llm"));
        assertEquals(null, denied.getProperty(KernelEvents.ID));
        assertEquals(1, events.topic(KernelEvents.REJECTED, 1).size());
    }

    @Test
    void aPolicyThatThrowsOrFailsItsOutcome_denies() throws Exception {
        start(call -> {
            throw new IllegalStateException("broken rule table");
        });
        var e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(LlmQuery.chat("a", "no")));
        assertEquals(Reason.ACCESS_DENIED, e.reason());
        assertTrue(e.getMessage().contains("broken rule table"), e.getMessage());

        kernel.setAccessPolicy(call -> held("2", CompletableFuture.failedFuture(new IllegalStateException("lost")),
                null));
        var f = assertInstanceOf(SyscallRejectedException.class, failure(kernel.submit(LlmQuery.chat("a", "no"))));
        assertTrue(f.getMessage().contains("lost"), f.getMessage());
    }

    @Test
    void stoppingTheKernel_cancelsHeldSyscallsAndWithdrawsThem() {
        AtomicInteger withdrawn = new AtomicInteger();
        start(call -> held("1", new CompletableFuture<>(), withdrawn::incrementAndGet));
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "x"));
        kernel.deactivate();
        kernel = null;
        assertEquals(SyscallStatus.CANCELLED, h.status());
        assertEquals(1, withdrawn.get());
    }
}
