package aios.kernel.api.syscall;

/**
 * How a model chooses tokens.
 *
 * @param maxTokens the most tokens to generate, ≥ 1
 * @param temperature 0 for greedy decoding, otherwise &gt; 0
 * @param topP nucleus sampling mass in (0, 1]
 * @param seed the random seed; {@code null} lets the backend choose
 * @param topK draw only from the {@code topK} most likely tokens, before top-p is applied; 0 for no limit
 */
public record Sampling(int maxTokens, double temperature, double topP, Long seed, int topK) {

    /** 256 tokens, greedy. */
    public static final Sampling DEFAULT = new Sampling(256, 0.0, 1.0, null);

    public Sampling {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max tokens " + maxTokens + " must be at least 1");
        }
        if (!(temperature >= 0.0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature " + temperature + " must be ≥ 0 (0 means greedy)");
        }
        if (!(topP > 0.0 && topP <= 1.0)) {
            throw new IllegalArgumentException("top-p " + topP + " must be in (0, 1]");
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k " + topK + " must be ≥ 0 (0 means no limit)");
        }
    }

    /** Sampling without a top-k limit (the constructor of version 1.0 of this package, kept for its callers). */
    public Sampling(int maxTokens, double temperature, double topP, Long seed) {
        this(maxTokens, temperature, topP, seed, 0);
    }
}
