package aios.bench;

/**
 * What happened to each task of a trace, by its index in the trace: how long it waited before it started and how
 * long it took from its arrival in the trace to its end, in nanoseconds; {@value #NOT_RUN} for a task that never
 * completed (refused or failed).
 */
record Schedule(long[] waitNanos, long[] turnaroundNanos) {

    static final long NOT_RUN = -1;

    Schedule {
        if (waitNanos.length != turnaroundNanos.length) {
            throw new IllegalArgumentException(waitNanos.length + " waits but " + turnaroundNanos.length
                    + " turnarounds: give one of each per task");
        }
    }

    boolean completed(int task) {
        return turnaroundNanos[task] != NOT_RUN;
    }
}
