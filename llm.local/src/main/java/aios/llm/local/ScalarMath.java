package aios.llm.local;

/**
 * The definition of the engine's arithmetic, one float operation at a time, for JVMs without
 * {@code jdk.incubator.vector}; {@link VectorMath} computes the same floats with vectors.
 */
final class ScalarMath implements TensorMath {

    private static final int BLOCK = PackedMatrix.BLOCK;

    private final String why;

    /** @param why why the engine runs without vectors, for people */
    ScalarMath(String why) {
        this.why = why;
    }

    @Override
    public String description() {
        return "scalar (" + why + ")";
    }

    @Override
    public void matmul(PackedMatrix w, float[] x, float[] out, int fromBlock, int toBlock) {
        float[] data = w.data();
        int n = w.columns();
        // eight rows at a time, in locals: eight independent chains, and no store and reload per step
        for (int b = fromBlock; b < toBlock; b++) {
            for (int half = 0; half < BLOCK; half += 8) {
                float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
                for (int j = 0, o = b * n * BLOCK + half; j < n; j++, o += BLOCK) {
                    float xj = x[j];
                    a0 = Math.fma(xj, data[o], a0);
                    a1 = Math.fma(xj, data[o + 1], a1);
                    a2 = Math.fma(xj, data[o + 2], a2);
                    a3 = Math.fma(xj, data[o + 3], a3);
                    a4 = Math.fma(xj, data[o + 4], a4);
                    a5 = Math.fma(xj, data[o + 5], a5);
                    a6 = Math.fma(xj, data[o + 6], a6);
                    a7 = Math.fma(xj, data[o + 7], a7);
                }
                int row = b * BLOCK + half;
                if (row < w.rows()) { // the last block's padding rows have no output
                    float[] acc = {a0, a1, a2, a3, a4, a5, a6, a7};
                    System.arraycopy(acc, 0, out, row, Math.min(8, w.rows() - row));
                }
            }
        }
    }

    @Override
    public void scores(float[] q, int qo, float[] keys, int ko, int stride, int headDim, float[] att, int positions) {
        for (int t = 0; t < positions; t++) {
            float acc = 0f;
            for (int i = 0; i < headDim; i++) {
                acc = Math.fma(q[qo + i], keys[ko + i * stride + t], acc);
            }
            att[t] = acc;
        }
    }

    @Override
    public void expShifted(float[] att, int positions, float max) {
        for (int t = 0; t < positions; t++) {
            att[t] = exp(att[t] - max);
        }
    }

    @Override
    public void weightedSum(float[] att, int positions, float[] values, int vo, int rowLength, int headDim,
                            float[] out, int oo) {
        for (int i = 0; i < headDim; i++) {
            float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
            int t = 0;
            for (int o = vo + i; t + 4 <= positions; t += 4, o += 4 * rowLength) {
                p0 = Math.fma(att[t], values[o], p0);
                p1 = Math.fma(att[t + 1], values[o + rowLength], p1);
                p2 = Math.fma(att[t + 2], values[o + 2 * rowLength], p2);
                p3 = Math.fma(att[t + 3], values[o + 3 * rowLength], p3);
            }
            for (; t < positions; t++) {
                p0 = Math.fma(att[t], values[vo + t * rowLength + i], p0);
            }
            out[oo + i] = (p0 + p1) + (p2 + p3);
        }
    }

    @Override
    public float max(float[] a, int n) {
        float m0 = Float.NEGATIVE_INFINITY;
        float m1 = Float.NEGATIVE_INFINITY;
        int t = 0;
        for (; t + 2 <= n; t += 2) {
            m0 = Math.max(m0, a[t]);
            m1 = Math.max(m1, a[t + 1]);
        }
        if (t < n) {
            m0 = Math.max(m0, a[t]);
        }
        return Math.max(m0, m1);
    }

    @Override
    public void swiglu(float[] h, int n) {
        for (int i = 0; i < n; i++) {
            float g = h[i];
            h[i] = g / (1f + exp(-g)) * h[n + i];
        }
    }

    // exp(x) = 2^n * e^r with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2]; e^r by its Taylor
    // polynomial to r^7 (error below 1e-8 there). ln 2 in two parts (Cody and Waite) keeps r exact enough.
    static final float LOG2_E = 1.44269504f;
    static final float LN2_HIGH = 0.693145752f; // ln 2 to 16 bits: n * LN2_HIGH is exact
    static final float LN2_LOW = 1.42860682e-6f; // ln 2 - LN2_HIGH
    static final float ROUND = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to an integer
    // the range where 2^n is a normal float and the result neither overflows nor underflows
    static final float MIN_X = -87f;
    static final float MAX_X = 88f;
    static final float C2 = 1f / 2;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;

    /**
     * e^x to about 1 ulp, x clamped to [-87, 88] (so never 0 or infinity): the engine's own exponential, defined
     * by these operations so that the vector one can compute the same bits.
     */
    static float exp(float x) {
        x = Math.min(Math.max(x, MIN_X), MAX_X);
        float n = (x * LOG2_E + ROUND) - ROUND;
        float r = Math.fma(-n, LN2_HIGH, x);
        r = Math.fma(-n, LN2_LOW, r);
        float p = Math.fma(C7, r, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }
}
