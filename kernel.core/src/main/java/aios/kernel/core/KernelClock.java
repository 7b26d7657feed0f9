package aios.kernel.core;

import java.time.Instant;

/**
 * Converts between {@link System#nanoTime()} (what tasks record: cheap and monotonic) and wall-clock instants
 * (what people read), from one reference point taken at start.
 */
final class KernelClock {
    private final long epochNanosAtOrigin;
    private final long nanoOrigin;

    KernelClock() {
        Instant now = Instant.now();
        this.nanoOrigin = System.nanoTime();
        this.epochNanosAtOrigin = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    long nanoTime() {
        return System.nanoTime();
    }

    Instant toInstant(long nanoTime) {
        long epochNanos = epochNanosAtOrigin + (nanoTime - nanoOrigin);
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L), Math.floorMod(epochNanos, 1_000_000_000L));
    }

    long toEpochMicros(long nanoTime) {
        return (epochNanosAtOrigin + (nanoTime - nanoOrigin)) / 1_000;
    }

    long toNanoTime(Instant instant) {
        long epochNanos;
        try {
            epochNanos = Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
        } catch (ArithmeticException farAway) {
            return instant.getEpochSecond() < 0 ? Long.MIN_VALUE / 2 : Long.MAX_VALUE - 1;
        }
        return nanoOrigin + (epochNanos - epochNanosAtOrigin);
    }
}
