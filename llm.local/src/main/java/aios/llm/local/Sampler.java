package aios.llm.local;

import java.util.Arrays;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Chooses the next token from the logits: the most likely one at temperature 0 (or with top-k 1), otherwise a
 * draw, after the temperature, from the {@code topK} most likely tokens (all with top-k 0) cut down to those that
 * make up the top-p share of their probability mass. Its random state is one {@code long} (SplitMix64), so a
 * generation's snapshot can hold it.
 *
 * <p>Not thread-safe: one per generation.
 */
final class Sampler {
    private final float temperature;
    private final float topP;
    private final int topK;
    private long state;

    Sampler(double temperature, double topP, int topK, long state) {
        this.temperature = (float) temperature;
        this.topP = (float) topP;
        this.topK = topK;
        this.state = state;
    }

    long state() {
        return state;
    }

    /** Picks a token; may change {@code logits}. */
    int sample(float[] logits) {
        if (temperature == 0f || topK == 1) {
            return argmax(logits);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.exp((logits[i] - max) / temperature);
            sum += logits[i];
        }
        // most likely first; equal ones by id, so the order never depends on the sort's stability
        Comparator<Integer> likelier = (a, b) -> logits[a] != logits[b]
                ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b);
        Integer[] order;
        if (topK > 0 && topK < logits.length) {
            order = best(logits.length, topK, likelier);
            sum = 0;
            for (int id : order) {
                sum += logits[id];
            }
        } else {
            order = new Integer[logits.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, likelier);
        }
        int keep = 0;
        double mass = 0;
        while (keep < order.length && (keep == 0 || mass < topP * sum)) {
            mass += logits[order[keep++]];
        }
        double u = nextDouble() * mass;
        double acc = 0;
        for (int i = 0; i < keep; i++) {
            acc += logits[order[i]];
            if (u < acc) {
                return order[i];
            }
        }
        return order[keep - 1];
    }

    /** The {@code k} first of {@code 0 … n-1} in {@code order}, in that order, without sorting all {@code n}. */
    private static Integer[] best(int n, int k, Comparator<Integer> order) {
        PriorityQueue<Integer> worstFirst = new PriorityQueue<>(k + 1, order.reversed());
        for (int i = 0; i < n; i++) {
            worstFirst.add(i);
            if (worstFirst.size() > k) {
                worstFirst.poll();
            }
        }
        Integer[] out = worstFirst.toArray(Integer[]::new);
        Arrays.sort(out, order);
        return out;
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** SplitMix64: a uniform double in [0, 1). */
    private double nextDouble() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
