package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.access.AccessDecision;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PendingApprovalsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final PendingApprovals approvals = new PendingApprovals(timer, Clock.systemUTC(), Duration.ofMinutes(5));

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static AccessDecision outcome(AccessDecision pending) throws Exception {
        return pending.pending().outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRequest_isListedUntilAnOperatorDecides() throws Exception {
        AccessDecision held = approvals.request("alice", "storage.delete", "deleting 'a.txt'", "is irreversible");
        assertTrue(held.isPending());
        assertEquals("1", held.pending().approval());
        assertEquals("deleting 'a.txt' is irreversible: it waits for an operator (acl:approve 1 or acl:deny 1; denied"
                + " after 5m without an answer)", held.reason());
        assertEquals(1, approvals.list().size());
        assertEquals("deleting 'a.txt'", approvals.approve("1").what());
        assertTrue(outcome(held).allowed());
        assertEquals("approved by an operator (acl:approve 1)", outcome(held).reason());
        assertEquals(0, approvals.list().size());
        assertEquals("no syscall waits for approval '1': acl:pending lists those that do (one that was decided, timed"
                + " out or cancelled is gone)", assertThrows(IllegalArgumentException.class,
                () -> approvals.deny("1", "")).getMessage());
    }

    @Test
    void aDenial_carriesTheOperatorsWords() throws Exception {
        AccessDecision held = approvals.request("alice", "tool.call", "calling tool 'rm'", "is irreversible");
        approvals.deny(held.pending().approval(), "  not on a Friday ");
        assertFalse(outcome(held).allowed());
        assertEquals("calling tool 'rm' was denied by an operator (acl:deny 1): not on a Friday", outcome(held).reason());
    }

    @Test
    void nobodyDeciding_deniesAfterTheTimeout() throws Exception {
        approvals.timeout(Duration.ofMillis(100));
        AccessDecision held = approvals.request("alice", "storage.delete", "deleting 'a.txt'", "is irreversible");
        AccessDecision d = outcome(held);
        assertFalse(d.allowed());
        assertTrue(d.reason().startsWith("deleting 'a.txt' was not approved within 0s (approval 1 timed out; the"
                + " timeout is approval.timeout.seconds in the configuration aios.access)"), d.reason());
        assertEquals(0, approvals.list().size());
    }

    @Test
    void aWithdrawnRequest_leavesTheList_andCannotBeApproved() {
        AccessDecision held = approvals.request("alice", "storage.delete", "deleting 'a.txt'", "is irreversible");
        held.pending().withdraw().run();
        assertEquals(0, approvals.list().size());
        assertThrows(IllegalArgumentException.class, () -> approvals.approve("1"));
        assertFalse(held.pending().outcome().toCompletableFuture().isDone());
    }

    @Test
    void unknownOrMalformedIds_areRefused() {
        for (String id : new String[] {"7", "x", "", " "}) {
            assertThrows(IllegalArgumentException.class, () -> approvals.approve(id));
        }
    }
}
