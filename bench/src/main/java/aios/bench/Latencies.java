package aios.bench;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** Latency samples in nanoseconds, recorded from many threads, read once at the end. */
final class Latencies {
    private final long[] samples;
    private final AtomicInteger next = new AtomicInteger();

    Latencies(int capacity) {
        samples = new long[capacity];
    }

    void record(long nanos) {
        int i = next.getAndIncrement();
        if (i < samples.length) {
            samples[i] = nanos;
        }
    }

    int count() {
        return Math.min(next.get(), samples.length);
    }

    /** The p-th percentile (0–100) in microseconds. */
    double percentileMicros(double p) {
        int n = count();
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, n);
        Arrays.sort(sorted);
        int idx = (int) Math.min(n - 1, Math.max(0, Math.ceil(p / 100.0 * n) - 1));
        return sorted[idx] / 1_000.0;
    }
}
