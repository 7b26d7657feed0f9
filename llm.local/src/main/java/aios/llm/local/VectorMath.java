package aios.llm.local;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
        // eight rows' chains at once hide the latency of each fused multiply-add
        for (; k + 8 <= end; k += 8) {
            int b0 = chunkBase(k, n);
            int b1 = chunkBase(k + 1, n);
            int b2 = chunkBase(k + 2, n);
            int b3 = chunkBase(k + 3, n);
            int b4 = chunkBase(k + 4, n);
            int b5 = chunkBase(k + 5, n);
            int b6 = chunkBase(k + 6, n);
            int b7 = chunkBase(k + 7, n);
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S);
            FloatVector acc3 = FloatVector.zero(S);
            FloatVector acc4 = FloatVector.zero(S);
            FloatVector acc5 = FloatVector.zero(S);
            FloatVector acc6 = FloatVector.zero(S);
            FloatVector acc7 = FloatVector.zero(S);
            for (int j = 0, o = 0; j < n; j++, o += BLOCK) {
                FloatVector xj = FloatVector.broadcast(S, x[j]);
                acc0 = FloatVector.fromArray(S, a, b0 + o).fma(xj, acc0);
                acc1 = FloatVector.fromArray(S, a, b1 + o).fma(xj, acc1);
                acc2 = FloatVector.fromArray(S, a, b2 + o).fma(xj, acc2);
                acc3 = FloatVector.fromArray(S, a, b3 + o).fma(xj, acc3);
                acc4 = FloatVector.fromArray(S, a, b4 + o).fma(xj, acc4);
                acc5 = FloatVector.fromArray(S, a, b5 + o).fma(xj, acc5);
                acc6 = FloatVector.fromArray(S, a, b6 + o).fma(xj, acc6);
                acc7 = FloatVector.fromArray(S, a, b7 + o).fma(xj, acc7);
            }
            store(acc0, out, k * L, rows);
            store(acc1, out, (k + 1) * L, rows);
            store(acc2, out, (k + 2) * L, rows);
            store(acc3, out, (k + 3) * L, rows);
            store(acc4, out, (k + 4) * L, rows);
            store(acc5, out, (k + 5) * L, rows);
            store(acc6, out, (k + 6) * L, rows);
            store(acc7, out, (k + 7) * L, rows);
        }
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
                weightedSumWide(att, positions, values, vo + c, rowLength, out, oo + c);
            }
        } else if (headDim % 8 == 0 && L > 8) {
            for (int c = 0; c < headDim; c += 8) {
                weightedSum8(att, positions, values, vo + c, rowLength, out, oo + c);
            }
        } else {
            scalar.weightedSum(att, positions, values, vo, rowLength, headDim, out, oo);
        }
    }

    /** {@link #weightedSum} for {@code L} dimensions. */
    private static void weightedSumWide(float[] att, int positions, float[] values, int vo, int rowLength, float[] out,
                                        int oo) {
        FloatVector p0 = FloatVector.zero(S);
        FloatVector p1 = FloatVector.zero(S);
        FloatVector p2 = FloatVector.zero(S);
        FloatVector p3 = FloatVector.zero(S);
        int t = 0;
        for (int o = vo; t + 4 <= positions; t += 4, o += 4 * rowLength) {
            p0 = FloatVector.fromArray(S, values, o).fma(FloatVector.broadcast(S, att[t]), p0);
            p1 = FloatVector.fromArray(S, values, o + rowLength).fma(FloatVector.broadcast(S, att[t + 1]), p1);
            p2 = FloatVector.fromArray(S, values, o + 2 * rowLength).fma(FloatVector.broadcast(S, att[t + 2]), p2);
            p3 = FloatVector.fromArray(S, values, o + 3 * rowLength).fma(FloatVector.broadcast(S, att[t + 3]), p3);
        }
        for (; t < positions; t++) {
            p0 = FloatVector.fromArray(S, values, vo + t * rowLength).fma(FloatVector.broadcast(S, att[t]), p0);
        }
        p0.add(p1).add(p2.add(p3)).intoArray(out, oo);
    }

    /** {@link #weightedSumWide} with S8 (a copy: the Vector API is fast only with a constant species). */
    private static void weightedSum8(float[] att, int positions, float[] values, int vo, int rowLength, float[] out,
                                     int oo) {
        FloatVector p0 = FloatVector.zero(S8);
        FloatVector p1 = FloatVector.zero(S8);
        FloatVector p2 = FloatVector.zero(S8);
        FloatVector p3 = FloatVector.zero(S8);
        int t = 0;
        for (int o = vo; t + 4 <= positions; t += 4, o += 4 * rowLength) {
            p0 = FloatVector.fromArray(S8, values, o).fma(FloatVector.broadcast(S8, att[t]), p0);
            p1 = FloatVector.fromArray(S8, values, o + rowLength).fma(FloatVector.broadcast(S8, att[t + 1]), p1);
            p2 = FloatVector.fromArray(S8, values, o + 2 * rowLength).fma(FloatVector.broadcast(S8, att[t + 2]), p2);
            p3 = FloatVector.fromArray(S8, values, o + 3 * rowLength).fma(FloatVector.broadcast(S8, att[t + 3]), p3);
        }
        for (; t < positions; t++) {
            p0 = FloatVector.fromArray(S8, values, vo + t * rowLength).fma(FloatVector.broadcast(S8, att[t]), p0);
        }
        p0.add(p1).add(p2.add(p3)).intoArray(out, oo);
    }

    @Override
    public float max(float[] a, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int t = 0;
        for (; t + L <= n; t += L) {
            m = m.max(FloatVector.fromArray(S, a, t));
        }
        if (t < n) { // the lanes past n keep what m has
            VectorMask<Float> inRange = S.indexInRange(t, n);
            m = m.lanewise(VectorOperators.MAX, FloatVector.fromArray(S, a, t, inRange), inRange);
        }
        return m.reduceLanes(VectorOperators.MAX);
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
