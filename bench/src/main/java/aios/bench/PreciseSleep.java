package aios.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * Waits until a {@link System#nanoTime()} instant, to within microseconds: parks until {@value #SPIN_NANOS} ns
 * before it (a park may overshoot by tens of microseconds), then spins. Costs a core for the last few
 * microseconds only.
 */
final class PreciseSleep {

    static final long SPIN_NANOS = 100_000;

    private PreciseSleep() {
    }

    /** @throws InterruptedException if the thread is interrupted while it waits */
    static void until(long nanoTime) throws InterruptedException {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted " + left / 1000 + " µs before the instant it waited for");
            }
            if (left > SPIN_NANOS) {
                LockSupport.parkNanos(left - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }
}
