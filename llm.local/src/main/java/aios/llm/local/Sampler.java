package aios.llm.local;

import java.util.Arrays;

/**
 * Chooses the next token from the logits: the most likely one at temperature 0, otherwise a draw from the
 * tokens that make up the top-p probability mass after the temperature. Its random state is one {@code long}
 * (SplitMix64), so a generation's snapshot can hold it.
 *
 * <p>Not thread-safe: one per generation.
 */
final class Sampler {
    private final float temperature;
    private final float topP;
    private long state;

    Sampler(double temperature, double topP, long state) {
        this.temperature = (float) temperature;
        this.topP = (float) topP;
        this.state = state;
    }

    long state() {
        return state;
    }

    /** Picks a token; may change {@code logits}. */
    int sample(float[] logits) {
        if (temperature == 0f) {
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
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // most likely first; equal ones by id, so the order never depends on the sort's stability
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
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
