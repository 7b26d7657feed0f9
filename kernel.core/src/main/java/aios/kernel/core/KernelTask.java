package aios.kernel.core;

import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.Timings;
import aios.kernel.api.scheduling.Task;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One syscall inside the kernel: the {@link Task} its queue's policy orders and the {@link SyscallHandle} its
 * caller follows. Status moves QUEUED → RUNNING → COMPLETED | FAILED | CANCELLED (or QUEUED → CANCELLED), each
 * step by compare-and-set so that a cancel and a worker cannot both win. A task the access policy holds starts HELD
 * and moves to QUEUED (allowed), FAILED (denied) or CANCELLED.
 */
final class KernelTask implements Task, SyscallHandle {

    private static final VarHandle STATUS;

    static {
        try {
            STATUS = MethodHandles.lookup().findVarHandle(KernelTask.class, "status", SyscallStatus.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final Syscall syscall;
    final Resource resource;
    /** {@link Syscall#kind()}, computed once: history, events and estimates all ask for it. */
    final String kind;
    final AgentRecord agent;
    /** When it entered its queue: at submit, or when a held task was allowed (set before it is offered). */
    volatile long arrivalNanos;
    final long deadlineNanos;
    final long costHintNanos;
    final long costEstimateNanos;
    final SyscallFuture result;
    private final KernelClock clock;

    private volatile SyscallStatus status;
    volatile long startNanos;
    volatile long endNanos;
    /** The policy that handed the task to a worker. */
    volatile String policy;
    volatile String error;
    /** Handed to the task history before its acknowledgment: its finished event says so. */
    volatile boolean recorded;
    /** Set by cancel while the task runs: the worker reports it cancelled, whatever the service returned. */
    volatile boolean cancelRequested;
    /**
     * A preempted generation's state, kept while the task waits for its next slice (or a resumed one's before its
     * first); {@code null} otherwise. Taken and put back under {@code this}, so a checkpoint never sees it in use.
     */
    volatile aios.kernel.api.llm.Generation generation;
    /** A checkpoint waiting for the running generation's next step; guarded by {@code this}. */
    volatile CompletableFuture<byte[]> checkpointRequest;
    /** Tokens of the generation when the last checkpoint captured it. */
    volatile int checkpointTokens;
    /** Its backend runs it to the end in one call: it cannot be captured while it runs. */
    volatile boolean unsteppable;
    /** How often the task was preempted. */
    volatile int preemptions;
    /** What a HELD task waits for; {@code null} once decided or withdrawn. */
    volatile aios.kernel.api.access.AccessDecision.Pending pending;
    /** The id of the approval a held task waited for last ({@code null} if it never waited for an operator). */
    volatile String approval;

    /**
     * Who follows the generated text ({@link aios.kernel.api.Kernel#followText}); {@code null} while nobody does, so
     * that the worker builds no text then. Replaced, never changed in place, under {@code this}.
     */
    volatile TextFollower[] followers;
    /** The task ended: nobody can follow it any more; guarded by {@code this}. */
    private boolean followingEnded;

    /** The worker running this task, so that cancel can interrupt it; guarded by {@code this}. */
    private Thread runner;

    // Membership of the queue's own arrival-ordered list of waiting tasks; guarded by that queue's lock.
    KernelTask prevWaiting;
    KernelTask nextWaiting;
    boolean waiting;

    KernelTask(long id, Syscall syscall, String kind, AgentRecord agent, KernelClock clock, long costEstimateNanos,
               Runnable onCancelRequest) {
        this(id, syscall, kind, agent, clock, costEstimateNanos, onCancelRequest, false);
    }

    KernelTask(long id, Syscall syscall, String kind, AgentRecord agent, KernelClock clock, long costEstimateNanos,
               Runnable onCancelRequest, boolean held) {
        this.status = held ? SyscallStatus.HELD : SyscallStatus.QUEUED;
        this.id = id;
        this.syscall = syscall;
        this.resource = syscall.resource();
        this.kind = kind;
        this.agent = agent;
        this.clock = clock;
        this.arrivalNanos = clock.nanoTime();
        var s = syscall.scheduling();
        this.deadlineNanos = s.deadline() == null ? Long.MAX_VALUE : clock.toNanoTime(s.deadline());
        this.costHintNanos = s.costHint() == null ? -1 : s.costHint().toNanos();
        this.costEstimateNanos = costEstimateNanos;
        this.result = new SyscallFuture(onCancelRequest);
    }

    boolean transition(SyscallStatus from, SyscallStatus to) {
        return STATUS.compareAndSet(this, from, to);
    }

    synchronized void bindRunner(Thread t) {
        runner = t;
    }

    /** Interrupts the worker if it is still running this task. */
    synchronized boolean interruptRunner() {
        if (runner != null) {
            runner.interrupt();
            return true;
        }
        return false;
    }

    /** Adds a follower of the text; after the task ended, one that is sent nothing. */
    synchronized TextFollower follow(Consumer<String> listener) {
        if (followingEnded) {
            return TextFollower.ended(listener);
        }
        TextFollower f = new TextFollower(listener, this::unfollowClosed);
        TextFollower[] now = followers;
        TextFollower[] next = now == null ? new TextFollower[1] : java.util.Arrays.copyOf(now, now.length + 1);
        next[next.length - 1] = f;
        followers = next;
        return f;
    }

    /** Drops the followers that were closed. */
    private synchronized void unfollowClosed() {
        TextFollower[] now = followers;
        if (now != null) {
            TextFollower[] open = java.util.Arrays.stream(now).filter(f -> !f.isClosed()).toArray(TextFollower[]::new);
            followers = open.length == 0 ? null : open;
        }
    }

    /** The task ended: its followers get nothing more. */
    synchronized void endFollowing() {
        followingEnded = true;
        followers = null;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String agent() {
        return syscall.agent();
    }

    @Override
    public Resource resource() {
        return resource;
    }

    @Override
    public Syscall syscall() {
        return syscall;
    }

    @Override
    public int priority() {
        return syscall.scheduling().priority();
    }

    @Override
    public long arrivalNanos() {
        return arrivalNanos;
    }

    @Override
    public long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public long costHintNanos() {
        return costHintNanos;
    }

    @Override
    public long costEstimateNanos() {
        return costEstimateNanos;
    }

    @Override
    public CompletionStage<SyscallResult> result() {
        return result;
    }

    @Override
    public SyscallStatus status() {
        return status;
    }

    @Override
    public Timings timings() {
        long s = startNanos;
        long e = endNanos;
        return new Timings(clock.toInstant(arrivalNanos), s == 0 ? null : clock.toInstant(s),
                e == 0 ? null : clock.toInstant(e));
    }

    @Override
    public String toString() {
        return "syscall " + id + " (" + kind + " for " + syscall.agent() + ", " + status + ")";
    }

    /**
     * The result as callers see it: they can wait on it and chain to it, but only the kernel completes it;
     * {@code cancel} asks the kernel to cancel the syscall.
     */
    static final class SyscallFuture extends CompletableFuture<SyscallResult> {
        private final Runnable onCancelRequest;

        SyscallFuture(Runnable onCancelRequest) {
            this.onCancelRequest = onCancelRequest;
        }

        boolean succeed(SyscallResult value) {
            return super.complete(value);
        }

        boolean fail(Throwable t) {
            return super.completeExceptionally(t);
        }

        boolean cancelled() {
            return super.cancel(false);
        }

        @Override
        public boolean complete(SyscallResult value) {
            throw new UnsupportedOperationException("only the kernel completes a syscall's result");
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            throw new UnsupportedOperationException("only the kernel completes a syscall's result; use Kernel.cancel");
        }

        @Override
        public void obtrudeValue(SyscallResult value) {
            throw new UnsupportedOperationException("only the kernel completes a syscall's result");
        }

        @Override
        public void obtrudeException(Throwable ex) {
            throw new UnsupportedOperationException("only the kernel completes a syscall's result");
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            onCancelRequest.run();
            return isCancelled();
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }
}
