package aios.llm.local;

import java.io.IOException;

/**
 * A Llama-architecture transformer read from a GGUF file: token embedding, per layer RMSNorm, attention with
 * rotary positions (adjacent pairs, as llama.cpp's "normal" RoPE) and grouped-query heads over a KV cache, RMSNorm
 * and a SwiGLU feed-forward; then the final norm and the output projection (the embedding when the file has no
 * output tensor). Plain {@code float} arithmetic, one thread.
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

    private final Config config;
    private final float[] embedding;
    private final float[] outputNorm;
    private final float[] output;
    private final Layer[] layers;
    /** RoPE's inverse frequencies, base^(-i/dims) for each even i below the rotated dimensions. */
    private final double[] ropeFrequencies;

    private record Layer(float[] attnNorm, float[] wq, float[] wk, float[] wv, float[] wo, float[] ffnNorm,
                         float[] gate, float[] up, float[] down) {
    }

    /** Reads the weights of {@code file} into memory. */
    public LlamaModel(GgufFile file) throws IOException {
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
        embedding = file.floats("token_embd.weight");
        outputNorm = file.floats("output_norm.weight");
        output = file.tensors().containsKey("output.weight") ? file.floats("output.weight") : embedding;
        layers = new Layer[config.layers];
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            layers[l] = new Layer(file.floats(p + "attn_norm.weight"), file.floats(p + "attn_q.weight"),
                    file.floats(p + "attn_k.weight"), file.floats(p + "attn_v.weight"),
                    file.floats(p + "attn_output.weight"), file.floats(p + "ffn_norm.weight"),
                    file.floats(p + "ffn_gate.weight"), file.floats(p + "ffn_up.weight"), file.floats(p + "ffn_down.weight"));
        }
        ropeFrequencies = new double[Math.min(config.ropeDims, config.headDim()) / 2];
        for (int p = 0; p < ropeFrequencies.length; p++) {
            ropeFrequencies[p] = Math.pow(config.ropeBase, -(double) (2 * p) / Math.min(config.ropeDims, config.headDim()));
        }
        if (embedding.length != dim * vocabulary || output.length != dim * vocabulary) {
            throw new IOException(file.path() + ": the embedding or output tensor does not match " + vocabulary
                    + " tokens of " + dim);
        }
    }

    public Config config() {
        return config;
    }

    /** A generation's working memory: the KV cache for {@code capacity} positions and scratch vectors. */
    public final class State {
        final float[][] keys;
        final float[][] values;
        final float[] x;
        final float[] xb;
        final float[] xb2;
        final float[] q;
        final float[] k;
        final float[] v;
        final float[] att;
        final float[] hb;
        final float[] hb2;
        final float[] logits;
        final float[] ropeCos;
        final float[] ropeSin;

        public State(int capacity) {
            int kvDim = config.kvDim();
            keys = new float[config.layers][capacity * kvDim];
            values = new float[config.layers][capacity * kvDim];
            x = new float[config.dim];
            xb = new float[config.dim];
            xb2 = new float[config.dim];
            q = new float[config.dim];
            k = new float[kvDim];
            v = new float[kvDim];
            att = new float[capacity];
            hb = new float[config.hidden];
            hb2 = new float[config.hidden];
            logits = new float[config.vocabulary];
            ropeCos = new float[ropeFrequencies.length];
            ropeSin = new float[ropeFrequencies.length];
        }

        int capacity() {
            return att.length;
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
        float scale = (float) (1.0 / Math.sqrt(headDim));
        System.arraycopy(embedding, token * dim, s.x, 0, dim);
        // the rotation angles depend on the position only: once per token, not per head and layer
        for (int p = 0; p < ropeFrequencies.length; p++) {
            double theta = pos * ropeFrequencies[p];
            s.ropeCos[p] = (float) Math.cos(theta);
            s.ropeSin[p] = (float) Math.sin(theta);
        }
        for (int l = 0; l < c.layers; l++) {
            Layer w = layers[l];
            rmsnorm(s.xb, s.x, w.attnNorm, c.rmsEps);
            matmul(s.q, s.xb, w.wq, dim, dim);
            matmul(s.k, s.xb, w.wk, dim, kvDim);
            matmul(s.v, s.xb, w.wv, dim, kvDim);
            rope(s, s.q, c.heads, headDim);
            rope(s, s.k, c.kvHeads, headDim);
            System.arraycopy(s.k, 0, s.keys[l], pos * kvDim, kvDim);
            System.arraycopy(s.v, 0, s.values[l], pos * kvDim, kvDim);
            float[] keys = s.keys[l];
            float[] values = s.values[l];
            for (int h = 0; h < c.heads; h++) {
                int qo = h * headDim;
                int kvo = (h / group) * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int t = 0; t <= pos; t++) {
                    float dot = 0f;
                    int ko = t * kvDim + kvo;
                    for (int i = 0; i < headDim; i++) {
                        dot += s.q[qo + i] * keys[ko + i];
                    }
                    s.att[t] = dot * scale;
                    max = Math.max(max, s.att[t]);
                }
                float sum = 0f;
                for (int t = 0; t <= pos; t++) {
                    s.att[t] = (float) Math.exp(s.att[t] - max);
                    sum += s.att[t];
                }
                for (int i = 0; i < headDim; i++) {
                    s.xb[qo + i] = 0f;
                }
                for (int t = 0; t <= pos; t++) {
                    float a = s.att[t] / sum;
                    int vo = t * kvDim + kvo;
                    for (int i = 0; i < headDim; i++) {
                        s.xb[qo + i] += a * values[vo + i];
                    }
                }
            }
            matmul(s.xb2, s.xb, w.wo, dim, dim);
            for (int i = 0; i < dim; i++) {
                s.x[i] += s.xb2[i];
            }
            rmsnorm(s.xb, s.x, w.ffnNorm, c.rmsEps);
            matmul(s.hb, s.xb, w.gate, dim, c.hidden);
            matmul(s.hb2, s.xb, w.up, dim, c.hidden);
            for (int i = 0; i < c.hidden; i++) {
                float g = s.hb[i];
                s.hb[i] = g / (1f + (float) Math.exp(-g)) * s.hb2[i];
            }
            matmul(s.xb, s.hb, w.down, c.hidden, dim);
            for (int i = 0; i < dim; i++) {
                s.x[i] += s.xb[i];
            }
        }
        if (!logits) {
            return null;
        }
        rmsnorm(s.x, s.x, outputNorm, c.rmsEps);
        matmul(s.logits, s.x, output, dim, c.vocabulary);
        return s.logits;
    }

    private static void rope(State s, float[] vec, int heads, int headDim) {
        for (int h = 0; h < heads; h++) {
            int o = h * headDim;
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

    /** out[r] = the dot product of row r of {@code w} (rows of {@code n} values) with {@code x}. */
    private static void matmul(float[] out, float[] x, float[] w, int n, int rows) {
        for (int r = 0; r < rows; r++) {
            float sum = 0f;
            int o = r * n;
            for (int j = 0; j < n; j++) {
                sum += w[o + j] * x[j];
            }
            out[r] = sum;
        }
    }
}
