package aios.llm.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Llama-architecture transformer read from a GGUF file: token embedding, per layer RMSNorm, attention with
 * rotary positions (adjacent pairs, as llama.cpp's "normal" RoPE) and grouped-query heads over a KV cache, RMSNorm
 * and a SwiGLU feed-forward; then the final norm and the output projection (the embedding when the file has no
 * output tensor). {@code float} arithmetic by a {@link TensorMath}: the same bits with or without vectors.
 *
 * <p>The weights are immutable and shared; each generation brings its own {@link State}.
 */
public final class LlamaModel {

    /** The shape of the network, from the GGUF metadata. */
    public record Config(int dim, int layers, int heads, int kvHeads, int hidden, int vocabulary, int context,
                         float rmsEps, float ropeBase, int ropeDims) {

        int headDim() {
            return dim / heads;
        }

        int kvDim() {
            return kvHeads * headDim();
        }
    }

    /**
     * Products of at least this many multiply-adds are split over the {@link RowTeam}; below, a hand-off costs
     * more than it saves (stories260K's largest is 32,768; stories15M's output 9.2 million).
     */
    static final long PARALLEL_WORK = 1 << 17;

    private final Config config;
    private final TensorMath math;
    private final RowTeam team;
    private final long parallelWork;
    private final float[] embedding;
    private final float[] outputNorm;
    private final PackedMatrix output;
    private final Layer[] layers;
    /** RoPE's inverse frequencies, base^(-i/dims) for each even i below the rotated dimensions. */
    private final double[] ropeFrequencies;

    /** One block's weights; the query, key and value projections are one matrix, as are the gate and up ones. */
    private record Layer(float[] attnNorm, PackedMatrix qkv, PackedMatrix wo, float[] ffnNorm, PackedMatrix gateUp,
                         PackedMatrix down) {
    }

    /** Reads the weights of {@code file} into memory, to run with the fastest arithmetic this JVM has. */
    public LlamaModel(GgufFile file) throws IOException {
        this(file, TensorMath.best(), RowTeam.shared(), PARALLEL_WORK);
    }

    /** With the given arithmetic, and products of at least {@code parallelWork} multiply-adds split over {@code team}. */
    LlamaModel(GgufFile file, TensorMath math, RowTeam team, long parallelWork) throws IOException {
        this.math = math;
        this.team = team;
        this.parallelWork = parallelWork;
        Object arch = file.metadata().get("general.architecture");
        if (!"llama".equals(arch)) {
            throw new IOException(file.path() + " is a " + arch + " model; this engine runs the llama architecture only");
        }
        int dim = file.integer("llama.embedding_length");
        int heads = file.integer("llama.attention.head_count");
        int kvHeads = (int) file.number("llama.attention.head_count_kv", heads);
        if (dim % heads != 0 || heads % kvHeads != 0) {
            throw new IOException(file.path() + ": " + heads + " heads and " + kvHeads + " KV heads do not divide "
                    + "the embedding length " + dim);
        }
        int vocabulary = file.array("tokenizer.ggml.tokens").size();
        config = new Config(dim, file.integer("llama.block_count"), heads, kvHeads,
                file.integer("llama.feed_forward_length"), vocabulary, file.integer("llama.context_length"),
                (float) file.number("llama.attention.layer_norm_rms_epsilon", 1e-5),
                (float) file.number("llama.rope.freq_base", 10000), (int) file.number("llama.rope.dimension_count", dim / heads));
        checkShapes(file, config); // before any weight is read: a corrupt file is named with its tensor
        int kvDim = config.kvDim();
        int hidden = config.hidden;
        embedding = file.floats("token_embd.weight");
        outputNorm = file.floats("output_norm.weight");
        float[] out = file.tensors().containsKey("output.weight") ? file.floats("output.weight") : embedding;
        if (embedding.length != dim * vocabulary || out.length != dim * vocabulary) {
            throw new IOException(file.path() + ": the embedding or output tensor does not match " + vocabulary
                    + " tokens of " + dim);
        }
        output = PackedMatrix.of(dim, out);
        layers = new Layer[config.layers];
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            layers[l] = new Layer(file.floats(p + "attn_norm.weight"),
                    packed(file, dim, dim + 2 * kvDim, p + "attn_q.weight", p + "attn_k.weight", p + "attn_v.weight"),
                    packed(file, dim, dim, p + "attn_output.weight"),
                    file.floats(p + "ffn_norm.weight"),
                    packed(file, dim, 2 * hidden, p + "ffn_gate.weight", p + "ffn_up.weight"),
                    packed(file, hidden, dim, p + "ffn_down.weight"));
        }
        int ropeDims = Math.min(config.ropeDims, config.headDim());
        ropeFrequencies = new double[ropeDims / 2];
        for (int p = 0; p < ropeFrequencies.length; p++) {
            ropeFrequencies[p] = Math.pow(config.ropeBase, -(double) (2 * p) / ropeDims);
        }
    }

    /** The tensors {@code names}, rows of {@code columns} values, one under the other: {@code rows} in all. */
    private static PackedMatrix packed(GgufFile file, int columns, int rows, String... names) throws IOException {
        float[][] parts = new float[names.length][];
        long values = 0;
        for (int i = 0; i < names.length; i++) {
            parts[i] = file.floats(names[i]);
            values += parts[i].length;
        }
        if (values != (long) rows * columns || Arrays.stream(parts).anyMatch(t -> t.length % columns != 0)) {
            throw new IOException(file.path() + ": the tensors " + String.join(", ", names) + " have " + values
                    + " values; this model's shape needs " + rows + " rows of " + columns);
        }
        return PackedMatrix.of(columns, parts);
    }

    /**
     * Checks every weight's shape against the metadata's, so that a corrupt file fails here, naming the tensor,
     * rather than with an index out of bounds in the middle of a generation.
     */
    private static void checkShapes(GgufFile file, Config c) throws IOException {
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("token_embd.weight", new long[] {c.dim(), c.vocabulary()});
        expected.put("output_norm.weight", new long[] {c.dim()});
        if (file.tensors().containsKey("output.weight")) {
            expected.put("output.weight", new long[] {c.dim(), c.vocabulary()});
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = "blk." + l + ".";
            expected.put(p + "attn_norm.weight", new long[] {c.dim()});
            expected.put(p + "attn_q.weight", new long[] {c.dim(), c.dim()});
            expected.put(p + "attn_k.weight", new long[] {c.dim(), c.kvDim()});
            expected.put(p + "attn_v.weight", new long[] {c.dim(), c.kvDim()});
            expected.put(p + "attn_output.weight", new long[] {c.dim(), c.dim()});
            expected.put(p + "ffn_norm.weight", new long[] {c.dim()});
            expected.put(p + "ffn_gate.weight", new long[] {c.dim(), c.hidden()});
            expected.put(p + "ffn_up.weight", new long[] {c.dim(), c.hidden()});
            expected.put(p + "ffn_down.weight", new long[] {c.hidden(), c.dim()});
        }
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            GgufFile.TensorInfo t = file.tensors().get(e.getKey());
            if (t == null) {
                throw new IOException(file.path() + " has no tensor " + e.getKey());
            }
            if (!Arrays.equals(t.shape(), e.getValue())) {
                throw new IOException(file.path() + " is corrupt: tensor " + e.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + ", not " + Arrays.toString(e.getValue()) + " as the metadata "
                        + "says (embedding length " + c.dim() + ", " + c.heads() + " heads, " + c.kvHeads()
                        + " KV heads, feed-forward length " + c.hidden() + ", " + c.vocabulary() + " tokens)");
            }
        }
    }

    public Config config() {
        return config;
    }

    /** The arithmetic that runs, for people: vector or scalar (and why), and the threads of large products. */
    public String arithmetic() {
        return describe(math, team, parallelWork);
    }

    /** The arithmetic a model loaded now would run, as {@link #arithmetic()} says it. */
    static String defaultArithmetic() {
        return describe(TensorMath.best(), RowTeam.shared(), PARALLEL_WORK);
    }

    private static String describe(TensorMath math, RowTeam team, long parallelWork) {
        return math.description() + (team.helpers() == 0 ? ", one thread"
                : ", products of " + parallelWork + "+ multiply-adds on up to " + (team.helpers() + 1) + " threads");
    }

    /**
     * A generation's working memory: the KV cache for {@code capacity} positions and scratch vectors. A layer's
     * keys are stored dimension by dimension (for each key dimension a row of positions, {@code stride} long), so
     * that a head's scores are computed for many positions at once; its values position by position.
     */
    public final class State {
        final float[][] keys;
        final float[][] values;
        private final int capacity;
        private final int stride;
        final float[] x;
        final float[] xb;
        final float[] xb2;
        final float[] qkv;
        final float[] att;
        final float[] hb;
        final float[] logits;
        final float[] ropeCos;
        final float[] ropeSin;

        public State(int capacity) {
            int kvDim = config.kvDim();
            this.capacity = capacity;
            // whole blocks: the vector code computes scores for every position of a block
            stride = (capacity + PackedMatrix.BLOCK - 1) / PackedMatrix.BLOCK * PackedMatrix.BLOCK;
            keys = new float[config.layers][kvDim * stride];
            values = new float[config.layers][capacity * kvDim];
            x = new float[config.dim];
            xb = new float[config.dim];
            xb2 = new float[config.dim];
            qkv = new float[config.dim + 2 * kvDim];
            att = new float[stride];
            hb = new float[2 * config.hidden];
            logits = new float[config.vocabulary];
            ropeCos = new float[ropeFrequencies.length];
            ropeSin = new float[ropeFrequencies.length];
        }

        int capacity() {
            return capacity;
        }

        /**
         * Puts the keys and values of the first {@code positions} into {@code b}: per layer the keys, then the
         * values, each position after position ({@code kvDim} floats each).
         */
        void writeCache(ByteBuffer b, int positions) {
            int kvDim = config.kvDim();
            float[] rows = new float[positions * kvDim];
            for (int l = 0; l < config.layers; l++) {
                float[] k = keys[l];
                for (int d = 0; d < kvDim; d++) {
                    for (int t = 0; t < positions; t++) {
                        rows[t * kvDim + d] = k[d * stride + t];
                    }
                }
                b.asFloatBuffer().put(rows, 0, positions * kvDim);
                b.position(b.position() + positions * kvDim * 4);
                b.asFloatBuffer().put(values[l], 0, positions * kvDim);
                b.position(b.position() + positions * kvDim * 4);
            }
        }

        /** Reads what {@link #writeCache} put into the cache of this state. */
        void readCache(ByteBuffer b, int positions) {
            int kvDim = config.kvDim();
            float[] rows = new float[positions * kvDim];
            for (int l = 0; l < config.layers; l++) {
                b.asFloatBuffer().get(rows, 0, positions * kvDim);
                b.position(b.position() + positions * kvDim * 4);
                float[] k = keys[l];
                for (int d = 0; d < kvDim; d++) {
                    for (int t = 0; t < positions; t++) {
                        k[d * stride + t] = rows[t * kvDim + d];
                    }
                }
                b.asFloatBuffer().get(values[l], 0, positions * kvDim);
                b.position(b.position() + positions * kvDim * 4);
            }
        }
    }

    /**
     * Runs {@code token} at position {@code pos}, adding its keys and values to the cache.
     *
     * @return the logits of the next token (the state's own array, overwritten by the next call), or
     *         {@code null} when {@code logits} is false (prompt tokens before the last)
     */
    public float[] forward(State s, int token, int pos, boolean logits) {
        Config c = config;
        int dim = c.dim;
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int group = c.heads / c.kvHeads;
        int positions = pos + 1;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        System.arraycopy(embedding, token * dim, s.x, 0, dim);
        // the rotation angles depend on the position only: once per token, not per head and layer
        for (int p = 0; p < ropeFrequencies.length; p++) {
            double theta = pos * ropeFrequencies[p];
            s.ropeCos[p] = (float) Math.cos(theta);
            s.ropeSin[p] = (float) Math.sin(theta);
        }
        float[] qkv = s.qkv; // the query, then the key, then the value
        for (int l = 0; l < c.layers; l++) {
            Layer w = layers[l];
            rmsnorm(s.xb, s.x, w.attnNorm, c.rmsEps);
            matmul(w.qkv, s.xb, qkv);
            rope(s, qkv, 0, c.heads, headDim);
            rope(s, qkv, dim, c.kvHeads, headDim);
            for (int i = 0; i < dim; i++) { // the scores' scale, on the query rather than on every score
                qkv[i] *= scale;
            }
            float[] keys = s.keys[l];
            float[] values = s.values[l];
            for (int d = 0; d < kvDim; d++) {
                keys[d * s.stride + pos] = qkv[dim + d];
            }
            System.arraycopy(qkv, dim + kvDim, values, pos * kvDim, kvDim);
            for (int h = 0; h < c.heads; h++) {
                int qo = h * headDim;
                int kvo = (h / group) * headDim;
                math.scores(qkv, qo, keys, kvo * s.stride, s.stride, headDim, s.att, positions);
                math.expShifted(s.att, positions, math.max(s.att, positions));
                float inverse = 1f / sum(s.att, positions);
                math.weightedSum(s.att, positions, values, kvo, kvDim, headDim, s.xb, qo);
                for (int i = qo; i < qo + headDim; i++) {
                    s.xb[i] *= inverse;
                }
            }
            matmul(w.wo, s.xb, s.xb2);
            for (int i = 0; i < dim; i++) {
                s.x[i] += s.xb2[i];
            }
            rmsnorm(s.xb, s.x, w.ffnNorm, c.rmsEps);
            matmul(w.gateUp, s.xb, s.hb);
            math.swiglu(s.hb, c.hidden);
            matmul(w.down, s.hb, s.xb);
            for (int i = 0; i < dim; i++) {
                s.x[i] += s.xb[i];
            }
        }
        if (!logits) {
            return null;
        }
        rmsnorm(s.x, s.x, outputNorm, c.rmsEps);
        matmul(output, s.x, s.logits);
        return s.logits;
    }

    /** {@code out = w x}, large products by rows over the team: each row whole on one thread, so the same bits. */
    private void matmul(PackedMatrix w, float[] x, float[] out) {
        int blocks = w.blocks();
        if (team.helpers() == 0 || w.work() < parallelWork) {
            math.matmul(w, x, out, 0, blocks);
            return;
        }
        // a few chunks per thread, so that a helper that starts late still takes a share; whole groups of 8
        // blocks, which the vector code runs fastest
        int threads = team.helpers() + 1;
        int per = ((blocks + 4 * threads - 1) / (4 * threads) + 7) / 8 * 8;
        team.run((blocks + per - 1) / per, c -> math.matmul(w, x, out, c * per, Math.min(blocks, (c + 1) * per)));
    }

    private static void rope(State s, float[] vec, int offset, int heads, int headDim) {
        for (int h = 0; h < heads; h++) {
            int o = offset + h * headDim;
            for (int p = 0; p < s.ropeCos.length; p++) {
                int i = 2 * p;
                float cos = s.ropeCos[p];
                float sin = s.ropeSin[p];
                float a = vec[o + i];
                float b = vec[o + i + 1];
                vec[o + i] = a * cos - b * sin;
                vec[o + i + 1] = a * sin + b * cos;
            }
        }
    }

    private static void rmsnorm(float[] out, float[] x, float[] weight, float eps) {
        float ss = 0f;
        for (float v : x) {
            ss += v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(ss / x.length + eps));
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * inv * weight[i];
        }
    }

    /** The sum of {@code a[0..n)}, in eight interleaved partial sums (one chain would wait on every addition). */
    private static float sum(float[] a, int n) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int t = 0;
        for (; t + 8 <= n; t += 8) {
            s0 += a[t];
            s1 += a[t + 1];
            s2 += a[t + 2];
            s3 += a[t + 3];
            s4 += a[t + 4];
            s5 += a[t + 5];
            s6 += a[t + 6];
            s7 += a[t + 7];
        }
        float tail = 0f;
        for (; t < n; t++) {
            tail += a[t];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) + tail;
    }
}
