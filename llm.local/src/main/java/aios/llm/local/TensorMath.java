package aios.llm.local;

/**
 * The inner loops of {@link LlamaModel#forward}: the products, attention and activation, each over whole arrays.
 * {@link ScalarMath} defines the arithmetic, operation by operation; every implementation computes exactly the
 * same floats (each output a chain of fused multiply–adds in a fixed order, no sums across vector lanes), so a
 * generation gives the same tokens whichever implementation, vector width, thread count or machine runs it, and
 * a snapshot resumes exactly anywhere.
 *
 * <p>Implementations are stateless and thread-safe; the arrays passed in belong to the caller, and only the
 * output ranges named are written.
 */
sealed interface TensorMath permits ScalarMath, VectorMath {

    /**
     * The fastest implementation this JVM can run: {@link VectorMath} when the module {@code jdk.incubator.vector}
     * is in the JVM ({@code --add-modules=jdk.incubator.vector}) and wired to this bundle, else {@link ScalarMath}.
     */
    static TensorMath best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new ScalarMath("jdk.incubator.vector is not in this JVM; start it with "
                    + "--add-modules=jdk.incubator.vector for the vector arithmetic");
        }
        try {
            return VectorMath.create();
        } catch (LinkageError e) { // in a framework that does not export the package to this bundle
            return new ScalarMath("the vector arithmetic did not load (" + e
                    + "); the framework must export jdk.incubator.vector (org.osgi.framework.system.packages.extra)");
        }
    }

    /** What runs, for people: the implementation and, for the scalar one, why no vectors. */
    String description();

    /**
     * {@code out[r]} = the dot product of row {@code r} of {@code w} with {@code x}, for the rows of blocks
     * {@code fromBlock} (inclusive) to {@code toBlock} (exclusive) that are below {@code w.rows()}: per row
     * {@code acc = fma(x[j], w[r][j], acc)} for {@code j} from 0, {@code acc} starting at 0.
     */
    void matmul(PackedMatrix w, float[] x, float[] out, int fromBlock, int toBlock);

    /**
     * Attention scores of one head: for each position {@code t} below {@code positions},
     * {@code att[t] = fma(q[qo + i], keys[ko + i * stride + t], att[t])} for {@code i} from 0 to
     * {@code headDim}, starting at 0 (the keys of a head stored dimension by dimension, {@code stride} positions
     * apart). {@code att} and every key row have room for {@code positions} rounded up to
     * {@link PackedMatrix#BLOCK}; values there beyond {@code positions} are undefined afterwards.
     */
    void scores(float[] q, int qo, float[] keys, int ko, int stride, int headDim, float[] att, int positions);

    /**
     * {@code att[t] = exp(att[t] - max)} for {@code t} below {@code positions}, with {@link ScalarMath#exp};
     * values beyond up to {@code positions} rounded up to {@link PackedMatrix#BLOCK} are undefined afterwards.
     */
    void expShifted(float[] att, int positions, float max);

    /**
     * The weighted sum of the values of one head, for each {@code i} below {@code headDim}: four partial sums,
     * {@code p[t % 4] = fma(att[t], values[vo + t * rowLength + i], p[t % 4])} for {@code t} from 0 up to the
     * last multiple of 4 below {@code positions} (four chains, not one that waits on every step), the remaining
     * positions into {@code p[0]}, then {@code out[oo + i] = (p[0] + p[1]) + (p[2] + p[3])}.
     */
    void weightedSum(float[] att, int positions, float[] values, int vo, int rowLength, int headDim, float[] out,
                     int oo);

    /** The largest of {@code a[0..n)}, negative infinity when {@code n} is 0 (the same in any order). */
    float max(float[] a, int n);

    /** SwiGLU: {@code h[i] = g / (1 + exp(-g)) * h[n + i]} with {@code g = h[i]}, for {@code i} below {@code n}. */
    void swiglu(float[] h, int n);
}
