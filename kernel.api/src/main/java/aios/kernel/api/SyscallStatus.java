package aios.kernel.api;

/** Where a syscall is in its life. */
public enum SyscallStatus {
    /** Accepted and waiting in its resource's queue (a {@link #HELD} one comes here once allowed). */
    QUEUED,
    /** Taken by a worker. */
    RUNNING,
    /** Done; the result is available. */
    COMPLETED,
    /** Ran and failed; the error says why. */
    FAILED,
    /** Cancelled before it finished. */
    CANCELLED,
    /**
     * Accepted, but held by the access policy until it (or an operator it asks) decides; not in a queue yet. Moves
     * to QUEUED when allowed, to FAILED when denied, to CANCELLED when cancelled.
     *
     * @since 1.2
     */
    HELD;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
