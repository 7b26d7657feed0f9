package aios.kernel.api;

/** Where a syscall is in its life. */
public enum SyscallStatus {
    /** Accepted and waiting in its resource's queue. */
    QUEUED,
    /** Taken by a worker. */
    RUNNING,
    /** Done; the result is available. */
    COMPLETED,
    /** Ran and failed; the error says why. */
    FAILED,
    /** Cancelled before it finished. */
    CANCELLED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
