package aios.llm.local;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ScalarMath}'s arithmetic with the JDK's Vector API: the same operations on each lane in the same order,
 * so the same floats, several rows, positions or dimensions at a time. Loaded only when the module
 * {@code jdk.incubator.vector} is there (see {@link TensorMath#best()}).
 */
final class VectorMath implements TensorMath {

    private static final int BLOCK = PackedMatrix.BLOCK;
    /** The machine's widest float vector, at most a block of rows (16 lanes). */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED.length() > BLOCK
            ? FloatVector.SPECIES_512 : FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** For heads of 8 dimensions (stories260K's) when S is wider. */
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;

    private final ScalarMath scalar = new ScalarMath("the vectors' remainder");

    private VectorMath() {
    }

    /** This class, or the scalar one when the machine's vectors are narrower than 4 floats. */
    static TensorMath create() {
        if (L < 4) {
            return new ScalarMath("this machine's float vectors have " + L + " lanes");
        }
        return new VectorMath();
    }

    @Override
    public String description() {
        return "vector (jdk.incubator.vector, " + L + " float lanes)";
    }

    /** Where chunk {@code k} (rows {@code k * L} to {@code k * L + L}) of a packed matrix starts. */
    private static int chunkBase(int k, int columns) {
        int row = k * L;
        return (row / BLOCK) * columns * BLOCK + row % BLOCK;
    }

    @Override
    public void matmul(PackedMatrix w, float[] x, float[] out, int fromBlock, int toBlock) {
        float[] a = w.data();
        int n = w.columns();
        int rows = w.rows();
        int end = toBlock * (BLOCK / L);
        int k = fromBlock * (BLOCK / L);
        // four rows' chains at once hide the latency of each fused multiply-add
        for (; k + 4 <= end; k += 4) {
            int b0 = chunkBase(k, n);
            int b1 = chunkBase(k + 1, n);
            int b2 = chunkBase(k + 2, n);
            int b3 = chunkBase(k + 3, n);
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S);
            FloatVector acc3 = FloatVector.zero(S);
            for (int j = 0, o = 0; j < n; j++, o += BLOCK) {
                FloatVector xj = FloatVector.broadcast(S, x[j]);
                acc0 = FloatVector.fromArray(S, a, b0 + o).fma(xj, acc0);
                acc1 = FloatVector.fromArray(S, a, b1 + o).fma(xj, acc1);
                acc2 = FloatVector.fromArray(S, a, b2 + o).fma(xj, acc2);
                acc3 = FloatVector.fromArray(S, a, b3 + o).fma(xj, acc3);
            }
            store(acc0, out, k * L, rows);
            store(acc1, out, (k + 1) * L, rows);
            store(acc2, out, (k + 2) * L, rows);
            store(acc3, out, (k + 3) * L, rows);
        }
        for (; k < end; k++) {
            int b0 = chunkBase(k, n);
            FloatVector acc0 = FloatVector.zero(S);
            for (int j = 0, o = 0; j < n; j++, o += BLOCK) {
                acc0 = FloatVector.fromArray(S, a, b0 + o).fma(FloatVector.broadcast(S, x[j]), acc0);
            }
            store(acc0, out, k * L, rows);
        }
    }

    private static void store(FloatVector v, float[] out, int row, int rows) {
        if (row + L <= rows) {
            v.intoArray(out, row);
        } else if (row < rows) {
            v.intoArray(out, row, S.indexInRange(row, rows));
        }
    }

    @Override
    public void scores(float[] q, int qo, float[] keys, int ko, int stride, int headDim, float[] att, int positions) {
        for (int t = 0; t < positions; t += L) {
            FloatVector acc = FloatVector.zero(S);
            for (int i = 0; i < headDim; i++) {
                acc = FloatVector.fromArray(S, keys, ko + i * stride + t).fma(FloatVector.broadcast(S, q[qo + i]), acc);
            }
            acc.intoArray(att, t);
        }
    }

    @Override
    public void expShifted(float[] att, int positions, float max) {
        for (int t = 0; t < positions; t += L) {
            exp(FloatVector.fromArray(S, att, t).sub(max)).intoArray(att, t);
        }
    }

    @Override
    public void weightedSum(float[] att, int positions, float[] values, int vo, int rowLength, int headDim,
                            float[] out, int oo) {
        if (headDim % L == 0) {
            for (int c = 0; c < headDim; c += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int t = 0, o = vo + c; t < positions; t++, o += rowLength) {
                    acc = FloatVector.fromArray(S, values, o).fma(FloatVector.broadcast(S, att[t]), acc);
                }
                acc.intoArray(out, oo + c);
            }
        } else if (headDim % 8 == 0 && L > 8) {
            for (int c = 0; c < headDim; c += 8) {
                FloatVector acc = FloatVector.zero(S8);
                for (int t = 0, o = vo + c; t < positions; t++, o += rowLength) {
                    acc = FloatVector.fromArray(S8, values, o).fma(FloatVector.broadcast(S8, att[t]), acc);
                }
                acc.intoArray(out, oo + c);
            }
        } else {
            scalar.weightedSum(att, positions, values, vo, rowLength, headDim, out, oo);
        }
    }

    @Override
    public void swiglu(float[] h, int n) {
        int i = 0;
        for (; i + L <= n; i += L) {
            FloatVector g = FloatVector.fromArray(S, h, i);
            FloatVector silu = g.div(exp(g.neg()).add(1f));
            silu.mul(FloatVector.fromArray(S, h, n + i)).intoArray(h, i);
        }
        for (; i < n; i++) {
            float g = h[i];
            h[i] = g / (1f + ScalarMath.exp(-g)) * h[n + i];
        }
    }

    /** {@link ScalarMath#exp} lane by lane, operation by operation. */
    private static FloatVector exp(FloatVector x) {
        x = x.max(ScalarMath.MIN_X).min(ScalarMath.MAX_X);
        FloatVector n = x.mul(ScalarMath.LOG2_E).add(ScalarMath.ROUND).sub(ScalarMath.ROUND);
        FloatVector minusN = n.neg();
        FloatVector r = minusN.fma(FloatVector.broadcast(S, ScalarMath.LN2_HIGH), x);
        r = minusN.fma(FloatVector.broadcast(S, ScalarMath.LN2_LOW), r);
        FloatVector p = r.fma(FloatVector.broadcast(S, ScalarMath.C7), FloatVector.broadcast(S, ScalarMath.C6));
        p = p.fma(r, FloatVector.broadcast(S, ScalarMath.C5));
        p = p.fma(r, FloatVector.broadcast(S, ScalarMath.C4));
        p = p.fma(r, FloatVector.broadcast(S, ScalarMath.C3));
        p = p.fma(r, FloatVector.broadcast(S, ScalarMath.C2));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }
}
