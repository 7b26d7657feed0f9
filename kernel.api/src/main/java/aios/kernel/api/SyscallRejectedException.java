package aios.kernel.api;

/**
 * {@link Kernel#submit} refused a syscall at once; nothing was queued and nothing changed. A syscall the access policy
 * held ({@link SyscallStatus#HELD}) and then denied, or that found its queue full when it was allowed, fails its
 * handle's result with this exception too (reason {@code ACCESS_DENIED} or {@code QUEUE_FULL}): it never ran.
 */
public class SyscallRejectedException extends SyscallException {
    private static final long serialVersionUID = 1L;

    /** Why a syscall was refused. */
    public enum Reason {
        /** The agent is not registered. */
        UNKNOWN_AGENT,
        /** The access policy denied it, at once or after holding it for approval. */
        ACCESS_DENIED,
        /** Its resource's queue is full (backpressure): retry later or raise the queue's capacity. */
        QUEUE_FULL,
        /** No service can run it (no backend or manager for its resource). */
        NO_SERVICE,
        /** Admission control: its deadline cannot be met, given the work due before it (see RESOURCE.admission). */
        DEADLINE_UNREACHABLE,
        /** The kernel is stopping. */
        SHUTTING_DOWN,
        /** The agent has reached one of its resource limits (see {@code aios.kernel.api.context}). */
        LIMIT_EXCEEDED
    }

    private final Reason reason;

    public SyscallRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
