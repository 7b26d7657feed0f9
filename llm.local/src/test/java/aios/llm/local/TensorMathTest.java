package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector arithmetic gives exactly the scalar one's floats, on shapes that leave remainders everywhere; and
 * the scalar one is the arithmetic it claims (close to double precision).
 */
class TensorMathTest {

    static final TensorMath SCALAR = new ScalarMath("the test's reference");
    static final TensorMath VECTOR = TensorMath.best();

    private final SplittableRandom random = new SplittableRandom(42);

    @Test
    void theTestsRunTheVectorArithmetic() {
        // surefire starts the test JVM with --add-modules=jdk.incubator.vector (the root pom's aios.vector.flags)
        assertTrue(VECTOR instanceof VectorMath, VECTOR.description());
    }

    @Test
    void matrixProductsAreTheSameBitsAndCloseToDoublePrecision() {
        for (int[] shape : new int[][] {{1, 1}, {37, 23}, {16, 64}, {172, 64}, {130, 9}, {64, 172}, {288, 288}}) {
            int rows = shape[0];
            int columns = shape[1];
            float[] w = values(rows * columns);
            float[] x = values(columns);
            PackedMatrix m = PackedMatrix.of(columns, w);
            float[] scalar = new float[rows];
            float[] vector = new float[rows];
            SCALAR.matmul(m, x, scalar, 0, m.blocks());
            VECTOR.matmul(m, x, vector, 0, m.blocks());
            assertArrayEquals(scalar, vector, rows + "x" + columns);
            for (int r = 0; r < rows; r++) {
                double exact = 0;
                for (int j = 0; j < columns; j++) {
                    exact += (double) w[r * columns + j] * x[j];
                }
                assertEquals(exact, scalar[r], 1e-5 * columns, "row " + r + " of " + rows + "x" + columns);
            }
            // a range of blocks writes those rows only
            float[] part = new float[rows];
            VECTOR.matmul(m, x, part, m.blocks() / 2, m.blocks());
            for (int r = 0; r < rows; r++) {
                assertEquals(r >= m.blocks() / 2 * PackedMatrix.BLOCK ? scalar[r] : 0f, part[r]);
            }
        }
    }

    @Test
    void stackedMatricesGiveTheirProductsOneAfterTheOther() {
        float[] a = values(3 * 5);
        float[] b = values(20 * 5);
        float[] x = values(5);
        float[] both = new float[23];
        float[] first = new float[3];
        float[] second = new float[20];
        PackedMatrix ab = PackedMatrix.of(5, a, b);
        VECTOR.matmul(ab, x, both, 0, ab.blocks());
        VECTOR.matmul(PackedMatrix.of(5, a), x, first, 0, 1);
        VECTOR.matmul(PackedMatrix.of(5, b), x, second, 0, 2);
        assertArrayEquals(first, Arrays.copyOfRange(both, 0, 3));
        assertArrayEquals(second, Arrays.copyOfRange(both, 3, 23));
    }

    @Test
    void theExponentialIsWithinTwoUlpsAndTheSameBitsInVectors() {
        int n = 20_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -87f + 175f * i / (n - 1);
        }
        float[] scalar = x.clone();
        float[] vector = x.clone();
        SCALAR.expShifted(scalar, n, 0f);
        VECTOR.expShifted(vector, n, 0f);
        assertArrayEquals(scalar, vector);
        for (int i = 0; i < n; i++) {
            float exact = (float) Math.exp(x[i]);
            assertTrue(Math.abs(scalar[i] - exact) <= 2 * Math.ulp(exact), x[i] + ": " + scalar[i] + " vs " + exact);
        }
        assertEquals(1f, ScalarMath.exp(0f));
        assertTrue(ScalarMath.exp(-1000f) > 0f && ScalarMath.exp(1000f) < Float.POSITIVE_INFINITY, "clamped");
    }

    @Test
    void attentionAndSwigluAreTheSameBits() {
        for (int headDim : new int[] {8, 48, 12, 64}) {
            for (int positions : new int[] {1, 7, 16, 33, 130}) {
                int stride = (positions + 15) / 16 * 16;
                int rowLength = 3 * headDim;
                float[] q = values(2 * headDim);
                float[] keys = values(2 * headDim * stride);
                float[] values = values(positions * rowLength);
                float[] scalar = new float[stride];
                float[] vector = new float[stride];
                SCALAR.scores(q, headDim, keys, headDim * stride, stride, headDim, scalar, positions);
                VECTOR.scores(q, headDim, keys, headDim * stride, stride, headDim, vector, positions);
                assertArrayEquals(Arrays.copyOf(scalar, positions), Arrays.copyOf(vector, positions));
                assertEquals(SCALAR.max(scalar, positions), VECTOR.max(vector, positions));
                float max = SCALAR.max(scalar, positions);
                for (int t = 0; t < positions; t++) {
                    assertTrue(scalar[t] <= max);
                }
                SCALAR.expShifted(scalar, positions, 1f);
                VECTOR.expShifted(vector, positions, 1f);
                assertArrayEquals(Arrays.copyOf(scalar, positions), Arrays.copyOf(vector, positions));
                float[] outScalar = new float[3 * headDim];
                float[] outVector = new float[3 * headDim];
                SCALAR.weightedSum(scalar, positions, values, headDim, rowLength, headDim, outScalar, headDim);
                VECTOR.weightedSum(vector, positions, values, headDim, rowLength, headDim, outVector, headDim);
                assertArrayEquals(outScalar, outVector, headDim + " dimensions, " + positions + " positions");
            }
        }
        for (int n : new int[] {1, 16, 172, 768}) {
            float[] h = values(2 * n);
            for (int i = 0; i < n; i += 7) {
                h[i] = 200f * (i % 2 == 0 ? 1 : -1); // beyond the exponential's range
            }
            float[] scalar = h.clone();
            float[] vector = h.clone();
            SCALAR.swiglu(scalar, n);
            VECTOR.swiglu(vector, n);
            assertArrayEquals(scalar, vector);
        }
    }

    private float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return v;
    }
}
