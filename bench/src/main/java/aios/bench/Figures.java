package aios.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures of one schedule of a trace, in milliseconds.
 *
 * @param completed tasks that completed; the times below are over these
 * @param misses tasks with a deadline that did not complete by it (those that never completed included)
 * @param jain Jain's fairness index of the agents' mean slowdowns (turnaround / service): 1 when every agent is
 *     slowed down alike, 1/n when one of n agents takes all the slowdown
 * @param makespanMs from the trace's start to the last completion
 */
record Figures(int completed, double meanTurnaroundMs, double p50TurnaroundMs, double p95TurnaroundMs,
               double p99TurnaroundMs, double meanWaitMs, int misses, double jain, double makespanMs) {

    static Figures of(Trace trace, Schedule s) {
        int n = trace.rows().size();
        long[] turnarounds = new long[n];
        int completed = 0;
        double waitSum = 0;
        int misses = 0;
        long makespan = 0;
        Map<String, double[]> slowdowns = new LinkedHashMap<>(); // agent -> {sum, count}
        for (int i = 0; i < n; i++) {
            Trace.Row r = trace.rows().get(i);
            if (!s.completed(i)) {
                misses += r.hasDeadline() ? 1 : 0;
                continue;
            }
            long t = s.turnaroundNanos()[i];
            turnarounds[completed++] = t;
            waitSum += s.waitNanos()[i];
            long end = r.arrivalMicros() * 1000 + t;
            makespan = Math.max(makespan, end);
            if (r.hasDeadline() && end > r.deadlineMicros() * 1000) {
                misses++;
            }
            double[] agent = slowdowns.computeIfAbsent(r.agent(), a -> new double[2]);
            agent[0] += (double) t / (r.serviceMicros() * 1000);
            agent[1]++;
        }
        long[] sorted = Arrays.copyOf(turnarounds, completed);
        Arrays.sort(sorted);
        double meanTurnaround = completed == 0 ? Double.NaN : Arrays.stream(sorted).average().orElseThrow();
        return new Figures(completed, ms(meanTurnaround), ms(percentile(sorted, 50)), ms(percentile(sorted, 95)),
                ms(percentile(sorted, 99)), ms(completed == 0 ? Double.NaN : waitSum / completed), misses,
                jain(slowdowns.values().stream().mapToDouble(a -> a[0] / a[1]).toArray()), ms(makespan));
    }

    /** Jain's index (Σx)² / (n · Σx²). */
    static double jain(double[] x) {
        double sum = 0;
        double squares = 0;
        for (double v : x) {
            sum += v;
            squares += v * v;
        }
        return x.length == 0 ? Double.NaN : sum * sum / (x.length * squares);
    }

    /** Nearest rank: the smallest value with at least p % of the values at or below it. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double ms(double nanos) {
        return nanos / 1e6;
    }
}
