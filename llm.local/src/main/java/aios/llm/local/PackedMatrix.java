package aios.llm.local;

/**
 * A weight matrix laid out for matrix–vector products that run over many rows at once: the rows in blocks of
 * {@link #BLOCK}, and within a block column by column, the block's values of one column side by side. So a
 * product reads the weights in order, one pass, and each row's dot product is a chain of its own (no sum across
 * lanes), which makes every implementation of {@link TensorMath} give the same bits. The rows of the last block
 * beyond {@link #rows()} are zeros.
 *
 * @param rows    the rows of the matrix (the length of a product)
 * @param columns the values per row (the length of the vector it multiplies)
 * @param data    {@code data[(block * columns + j) * BLOCK + lane]} is row {@code block * BLOCK + lane}, column
 *                {@code j}; never written after packing
 */
record PackedMatrix(int rows, int columns, float[] data) {

    /** The rows per block. The arithmetic does not depend on it; the memory layout does. */
    static final int BLOCK = 16;

    /** The blocks of rows, the last one possibly partial. */
    int blocks() {
        return (rows + BLOCK - 1) / BLOCK;
    }

    /** Multiply–add operations of one product: a measure of its work. */
    long work() {
        return (long) rows * columns;
    }

    /**
     * Packs row-major matrices of {@code columns} values per row, one under the other, into one matrix: a product
     * with it gives the products with each part, concatenated.
     *
     * @throws IllegalArgumentException if a part's length is not a whole number of rows
     */
    static PackedMatrix of(int columns, float[]... parts) {
        int rows = 0;
        for (float[] part : parts) {
            if (part.length % columns != 0) {
                throw new IllegalArgumentException("a matrix of " + part.length + " values is not made of rows of "
                        + columns);
            }
            rows += part.length / columns;
        }
        int blocks = (rows + BLOCK - 1) / BLOCK;
        float[] data = new float[Math.multiplyExact(blocks * BLOCK, columns)];
        int row = 0;
        for (float[] part : parts) {
            for (int r = 0; r < part.length / columns; r++, row++) {
                int base = (row / BLOCK) * columns * BLOCK + row % BLOCK;
                for (int j = 0; j < columns; j++) {
                    data[base + j * BLOCK] = part[r * columns + j];
                }
            }
        }
        return new PackedMatrix(rows, columns, data);
    }
}
