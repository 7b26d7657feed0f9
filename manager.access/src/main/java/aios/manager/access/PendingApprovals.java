package aios.manager.access;

import aios.kernel.api.access.AccessDecision;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Syscalls waiting for an operator: each has an id ({@code 1}, {@code 2}, … for the life of the access manager), and
 * is approved ({@link #approve}), denied ({@link #deny}), withdrawn by the kernel, or denied when nobody decided
 * within the timeout. Each outcome completes the approval's future exactly once; the first to decide wins.
 *
 * <p>Thread-safe.
 */
final class PendingApprovals {

    /**
     * One waiting syscall.
     *
     * @param id what the operator approves or denies it by
     * @param agent the agent whose syscall it is
     * @param kind the syscall's kind, such as {@code storage.delete}
     * @param what what it would do, as a sentence ("deleting 'notes/a.txt'")
     * @param requested when it began to wait
     * @param expires when it is denied if nobody decided
     */
    record Approval(String id, String agent, String kind, String what, Instant requested, Instant expires,
                    CompletableFuture<AccessDecision> outcome) {
    }

    private final ConcurrentSkipListMap<Long, Approval> pending = new ConcurrentSkipListMap<>();
    private final Map<String, ScheduledFuture<?>> timers = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private volatile Duration timeout;

    PendingApprovals(ScheduledExecutorService timer, Clock clock, Duration timeout) {
        this.timer = timer;
        this.clock = clock;
        this.timeout = timeout;
    }

    void timeout(Duration t) {
        this.timeout = t;
    }

    Duration timeout() {
        return timeout;
    }

    /** Registers a waiting syscall and returns the decision that holds it. */
    AccessDecision request(String agent, String kind, String what, String because) {
        long n = ids.incrementAndGet();
        String id = Long.toString(n);
        Duration t = timeout;
        Instant now = clock.instant();
        Approval a = new Approval(id, agent, kind, what, now, now.plus(t), new CompletableFuture<>());
        pending.put(n, a);
        timers.put(id, timer.schedule(() -> expire(id), t.toMillis(), TimeUnit.MILLISECONDS));
        String reason = what + " " + because + ": it waits for an operator (acl:approve " + id
                + " or acl:deny " + id + "; denied after " + Durations.text(t) + " without an answer)";
        return AccessDecision.pending(reason, new AccessDecision.Pending(id, a.outcome(), () -> withdraw(id)));
    }

    /** The syscalls waiting, oldest first. */
    List<Approval> list() {
        return List.copyOf(pending.values());
    }

    /**
     * Approves a waiting syscall: the kernel queues it.
     *
     * @throws IllegalArgumentException if no syscall waits under that id
     */
    Approval approve(String id) {
        Approval a = take(id);
        a.outcome().complete(new AccessDecision(true, "approved by an operator (acl:approve " + id + ")"));
        return a;
    }

    /**
     * Denies a waiting syscall: it fails with the reason.
     *
     * @param why the operator's words, or empty
     * @throws IllegalArgumentException if no syscall waits under that id
     */
    Approval deny(String id, String why) {
        Approval a = take(id);
        a.outcome().complete(AccessDecision.deny(a.what() + " was denied by an operator (acl:deny " + id + ")"
                + (why == null || why.isBlank() ? "" : ": " + why.strip())));
        return a;
    }

    /** Denies everything still waiting (the access manager is stopping). */
    void denyAll(String why) {
        for (Approval a : list()) {
            if (remove(a.id()) != null) {
                a.outcome().complete(AccessDecision.deny(a.what() + " was not decided: " + why));
            }
        }
    }

    private void expire(String id) {
        Approval a = remove(id);
        if (a != null) {
            a.outcome().complete(AccessDecision.deny(a.what() + " was not approved within " + Durations.text(
                    Duration.between(a.requested(), a.expires())) + " (approval " + id + " timed out; the timeout is"
                    + " approval.timeout.seconds in the configuration aios.access)"));
        }
    }

    private void withdraw(String id) {
        remove(id);
    }

    private Approval take(String id) {
        Approval a = remove(id);
        if (a == null) {
            throw new IllegalArgumentException("no syscall waits for approval '" + id + "': acl:pending lists those"
                    + " that do (one that was decided, timed out or cancelled is gone)");
        }
        return a;
    }

    private Approval remove(String id) {
        long n;
        try {
            n = Long.parseLong(id.strip());
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
        Approval a = pending.remove(n);
        ScheduledFuture<?> t = timers.remove(Long.toString(n));
        if (t != null) {
            t.cancel(false);
        }
        return a;
    }
}
