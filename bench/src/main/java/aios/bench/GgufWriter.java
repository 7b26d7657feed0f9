package aios.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a GGUF v3 file of a Llama-architecture model with random F32 weights and a synthetic SentencePiece
 * vocabulary ({@code <unk>}, {@code <s>}, {@code </s>}, the 256 byte tokens, then made-up pieces), for benchmarks
 * of a model's shape without its weights. The output rows of BOS and EOS are zero, so that greedy decoding
 * does not stop early.
 */
final class GgufWriter {

    private static final int ALIGNMENT = 32;
    private static final int U32 = 4;
    private static final int I32 = 5;
    private static final int F32 = 6;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    /** A model's shape. */
    record Shape(String name, int dim, int layers, int heads, int kvHeads, int hidden, int vocabulary, int context) {
        /** The shape of Karpathy's stories15M (its context raised to 1024). */
        static final Shape STORIES_15M = new Shape("stories15M-shape-random", 288, 6, 6, 6, 768, 32000, 1024);
    }

    private GgufWriter() {
    }

    /** Writes {@code shape} with weights of {@code seed} to {@code file} (through a temporary file). */
    static void writeRandom(Path file, Shape shape, long seed) throws IOException {
        List<String> tokens = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        tokens.add("<unk>");
        types.add(2);
        tokens.add("<s>");
        types.add(3);
        tokens.add("</s>");
        types.add(3);
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
            types.add(6);
        }
        tokens.add("\u2581");
        types.add(1);
        for (long n = 0; tokens.size() < shape.vocabulary(); n++) {
            String word = word(n);
            tokens.add(word);
            types.add(1);
            if (tokens.size() < shape.vocabulary()) {
                tokens.add("\u2581" + word);
                types.add(1);
            }
        }
        float[] scores = new float[tokens.size()];
        for (int i = 259; i < scores.length; i++) {
            scores[i] = -(i - 259);
        }

        Map<String, Object[]> meta = new LinkedHashMap<>(); // key -> {type, value}
        meta.put("general.architecture", new Object[] {STRING, "llama"});
        meta.put("general.name", new Object[] {STRING, shape.name()});
        meta.put("llama.context_length", new Object[] {U32, shape.context()});
        meta.put("llama.embedding_length", new Object[] {U32, shape.dim()});
        meta.put("llama.feed_forward_length", new Object[] {U32, shape.hidden()});
        meta.put("llama.attention.head_count", new Object[] {U32, shape.heads()});
        meta.put("llama.attention.head_count_kv", new Object[] {U32, shape.kvHeads()});
        meta.put("llama.block_count", new Object[] {U32, shape.layers()});
        meta.put("llama.rope.dimension_count", new Object[] {U32, shape.dim() / shape.heads()});
        meta.put("llama.attention.layer_norm_rms_epsilon", new Object[] {F32, 1e-5f});
        meta.put("tokenizer.ggml.model", new Object[] {STRING, "llama"});
        meta.put("tokenizer.ggml.tokens", new Object[] {ARRAY, tokens});
        meta.put("tokenizer.ggml.scores", new Object[] {ARRAY, scores});
        meta.put("tokenizer.ggml.token_type", new Object[] {ARRAY, types});
        meta.put("tokenizer.ggml.unknown_token_id", new Object[] {U32, 0});
        meta.put("tokenizer.ggml.bos_token_id", new Object[] {U32, 1});
        meta.put("tokenizer.ggml.eos_token_id", new Object[] {U32, 2});

        int d = shape.dim();
        int kv = d / shape.heads() * shape.kvHeads();
        Map<String, long[]> tensors = new LinkedHashMap<>(); // name -> dims (fastest first)
        tensors.put("token_embd.weight", new long[] {d, shape.vocabulary()});
        tensors.put("output_norm.weight", new long[] {d});
        tensors.put("output.weight", new long[] {d, shape.vocabulary()});
        for (int l = 0; l < shape.layers(); l++) {
            String p = "blk." + l + ".";
            tensors.put(p + "attn_norm.weight", new long[] {d});
            tensors.put(p + "attn_q.weight", new long[] {d, d});
            tensors.put(p + "attn_k.weight", new long[] {d, kv});
            tensors.put(p + "attn_v.weight", new long[] {d, kv});
            tensors.put(p + "attn_output.weight", new long[] {d, d});
            tensors.put(p + "ffn_norm.weight", new long[] {d});
            tensors.put(p + "ffn_gate.weight", new long[] {d, shape.hidden()});
            tensors.put(p + "ffn_down.weight", new long[] {shape.hidden(), d});
            tensors.put(p + "ffn_up.weight", new long[] {d, shape.hidden()});
        }

        Buf h = new Buf();
        h.u32(0x46554747).u32(3).u64(tensors.size()).u64(meta.size());
        meta.forEach((k, v) -> {
            h.string(k).u32((Integer) v[0]);
            value(h, (Integer) v[0], v[1]);
        });
        long offset = 0;
        for (var e : tensors.entrySet()) {
            h.string(e.getKey()).u32(e.getValue().length);
            long n = 1;
            for (long dim : e.getValue()) {
                h.u64(dim);
                n *= dim;
            }
            h.u32(0).u64(offset); // F32
            offset = align(offset + 4 * n);
        }
        while (h.size() % ALIGNMENT != 0) {
            h.bytes(new byte[1]);
        }

        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        SplittableRandom random = new SplittableRandom(seed);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            write(ch, h.buffer());
            long written = 0;
            for (var e : tensors.entrySet()) {
                long[] dims = e.getValue();
                int n = (int) (dims.length == 1 ? dims[0] : dims[0] * dims[1]);
                ByteBuffer b = ByteBuffer.allocate((int) align(4L * n)).order(ByteOrder.LITTLE_ENDIAN);
                boolean norm = dims.length == 1;
                float scale = (float) (1 / Math.sqrt(dims[0]));
                for (int i = 0; i < n; i++) {
                    float v = norm ? 1f : (float) ((random.nextDouble() * 2 - 1) * scale * Math.sqrt(3));
                    if (e.getKey().equals("output.weight") && i < 3 * dims[0]) {
                        v = 0; // <unk>, BOS and EOS never win
                    }
                    b.putFloat(v);
                }
                b.position(0);
                write(ch, b);
                written += b.capacity();
            }
            if (written != offset) {
                throw new IllegalStateException("GGUF writer: " + written + " data bytes for offsets up to " + offset);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void value(Buf h, int type, Object v) {
        switch (type) {
            case U32, I32 -> h.u32((Integer) v);
            case F32 -> h.f32((Float) v);
            case STRING -> h.string((String) v);
            case ARRAY -> {
                if (v instanceof float[] f) {
                    h.u32(F32).u64(f.length);
                    for (float x : f) {
                        h.f32(x);
                    }
                } else {
                    List<?> list = (List<?>) v;
                    boolean strings = list.getFirst() instanceof String;
                    h.u32(strings ? STRING : I32).u64(list.size());
                    list.forEach(x -> value(h, strings ? STRING : I32, x));
                }
            }
            default -> throw new IllegalArgumentException("GGUF writer: type " + type);
        }
    }

    /** a, b, …, z, aa, ab, …: the n-th word over the lowercase letters. */
    private static String word(long n) {
        StringBuilder sb = new StringBuilder();
        long m = n + 1;
        while (m > 0) {
            m--;
            sb.append((char) ('a' + m % 26));
            m /= 26;
        }
        return sb.reverse().toString();
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void write(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** A growing little-endian buffer. */
    private static final class Buf {
        private ByteBuffer b = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

        private Buf room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
            return this;
        }

        Buf u32(int v) {
            room(4).b.putInt(v);
            return this;
        }

        Buf u64(long v) {
            room(8).b.putLong(v);
            return this;
        }

        Buf f32(float v) {
            room(4).b.putFloat(v);
            return this;
        }

        Buf bytes(byte[] v) {
            room(v.length).b.put(v);
            return this;
        }

        Buf string(String s) {
            byte[] v = s.getBytes(StandardCharsets.UTF_8);
            return u64(v.length).bytes(v);
        }

        int size() {
            return b.position();
        }

        ByteBuffer buffer() {
            return b.duplicate().flip();
        }
    }
}
