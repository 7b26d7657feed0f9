package aios.llm.local;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A generation by a {@link LocalModel}, whose whole state is here: the tokens (prompt and generated), how many
 * of them are in the KV cache, the cache, the sampling settings and the sampler's random state, and why it
 * stopped. Invariant between steps: every token but the last is in the cache, so the next step feeds the last one
 * and samples.
 *
 * <p>Not thread-safe (see {@link Generation}).
 */
final class LocalGeneration implements Generation {

    private static final int MAGIC = 0x41494F4C; // "AIOL"
    /** Version 2 added top-k after top-p; version 1 snapshots are read as top-k 0, which they were made with. */
    private static final int VERSION = 2;
    private static final String[] FINISH = {null, "stop", "length"};

    private final LocalModel model;
    private final int promptTokens;
    private final Sampling sampling;
    private final Sampler sampler;
    private final List<Integer> tokens;
    private LlamaModel.State state;
    private int position;
    private String finishReason;

    /** {@code sampling}'s seed is not used: {@code rngState} is the sampler's state. */
    private LocalGeneration(LocalModel model, List<Integer> tokens, int promptTokens, Sampling sampling,
                            long rngState) {
        this.model = model;
        this.tokens = new ArrayList<>(tokens);
        this.promptTokens = promptTokens;
        this.sampling = sampling;
        this.sampler = new Sampler(sampling.temperature(), sampling.topP(), sampling.topK(), rngState);
        int context = model.network.config().context();
        this.state = model.network.new State((int) Math.min(context, (long) promptTokens + sampling.maxTokens()));
    }

    /**
     * A new generation answering {@code messages}, rendered as the model's chat template says
     * ({@link LocalModel#prompt}).
     *
     * @throws IllegalArgumentException if the prompt is empty or does not fit the model's context, naming the limit
     */
    static LocalGeneration start(LocalModel model, List<Message> messages, Sampling sampling, long seed) {
        List<Integer> tokens = model.prompt(messages);
        int context = model.network.config().context();
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("the prompt is empty and model " + model.name
                    + " adds no BOS token: give a message with some text");
        }
        if (tokens.size() >= context) {
            throw new IllegalArgumentException("the prompt is " + tokens.size() + " tokens; model " + model.name
                    + " has a context of " + context + " tokens, which must also hold the answer — shorten the prompt");
        }
        return new LocalGeneration(model, tokens, tokens.size(), sampling, seed);
    }

    @Override
    public int step(int maxTokens) {
        if (state == null) {
            throw new IllegalStateException("this generation of model " + model.name + " is closed");
        }
        int made = 0;
        while (made < maxTokens && finishReason == null && !Thread.currentThread().isInterrupted()) {
            while (position < tokens.size() - 1) { // the prompt, before the first sample
                model.network.forward(state, tokens.get(position), position, false);
                position++;
                if (Thread.currentThread().isInterrupted()) {
                    return made;
                }
            }
            if (position >= state.capacity()) {
                finishReason = "length"; // the context is full
                break;
            }
            float[] logits = model.network.forward(state, tokens.getLast(), position, true);
            position++;
            int next = sampler.sample(logits);
            // llama2.c-trained models (the TinyStories ones) end a story with BOS, not EOS
            if (next == model.tokenizer.eos() || next == model.tokenizer.bos()) {
                finishReason = "stop";
                break;
            }
            tokens.add(next);
            made++;
            if (tokens() >= sampling.maxTokens()) {
                finishReason = "length";
            }
        }
        return made;
    }

    @Override
    public boolean finished() {
        return finishReason != null;
    }

    @Override
    public int tokens() {
        return tokens.size() - promptTokens;
    }

    @Override
    public LlmResult result() {
        String text = model.tokenizer.decode(tokens.subList(promptTokens, tokens.size()));
        return new LlmResult(text, List.of(), finishReason, promptTokens, tokens(), model.name);
    }

    @Override
    public byte[] snapshot() {
        if (state == null) {
            throw new IllegalStateException("this generation of model " + model.name + " is closed");
        }
        int kvDim = model.network.config().kvDim();
        int layers = model.network.config().layers();
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 8 + 32 + 4 + 4 + 8 + 8 + 4 + 8 + 1 + 4 + 4 * tokens.size() + 4
                + 2 * layers * position * kvDim * 4);
        b.putInt(MAGIC).putInt(VERSION).putLong(model.size).put(model.headerHash);
        b.putInt(promptTokens).putInt(sampling.maxTokens()).putDouble(sampling.temperature())
                .putDouble(sampling.topP()).putInt(sampling.topK()).putLong(sampler.state());
        b.put((byte) java.util.Arrays.asList(FINISH).indexOf(finishReason));
        b.putInt(tokens.size());
        tokens.forEach(b::putInt);
        b.putInt(position);
        state.writeCache(b, position);
        return b.array();
    }

    /**
     * The generation {@code bytes} of {@link #snapshot()} describe, on whichever of {@code models} made it.
     *
     * @throws IllegalArgumentException if the bytes are not such a snapshot or their model is not loaded
     */
    static LocalGeneration resume(Collection<LocalModel> models, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            int magic = b.getInt();
            int version = b.getInt();
            if (magic != MAGIC) {
                throw new IllegalArgumentException("these bytes are not a snapshot of the local LLM backend");
            }
            if (version != 1 && version != VERSION) {
                throw new IllegalArgumentException("the snapshot has format version " + version
                        + "; this local LLM backend reads versions 1 to " + VERSION
                        + " (a snapshot of a newer engine must be resumed by that engine)");
            }
            long size = b.getLong();
            byte[] hash = new byte[32];
            b.get(hash);
            LocalModel model = models.stream().filter(m -> m.is(size, hash)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("the snapshot is of a model file of " + size
                            + " bytes that this backend has not loaded (loaded: "
                            + models.stream().map(m -> m.name + " " + m.identity()).toList() + ")"));
            int promptTokens = b.getInt();
            int maxTokens = b.getInt();
            double temperature = b.getDouble();
            double topP = b.getDouble();
            int topK = version >= 2 ? b.getInt() : 0;
            long rng = b.getLong();
            int finish = b.get();
            int count = b.getInt();
            if (count < 1 || count > b.remaining() / 4 || promptTokens < 1 || promptTokens > count
                    || finish < 0 || finish >= FINISH.length) {
                throw new IllegalArgumentException("the snapshot is corrupt: " + count + " tokens, " + promptTokens
                        + " of them the prompt, finish code " + finish);
            }
            List<Integer> tokens = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int t = b.getInt();
                if (t < 0 || t >= model.tokenizer.size()) {
                    throw new IllegalArgumentException("the snapshot is corrupt: token " + t + " is not in the vocabulary");
                }
                tokens.add(t);
            }
            Sampling sampling;
            try {
                sampling = new Sampling(maxTokens, temperature, topP, null, topK);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the snapshot is corrupt: " + e.getMessage(), e);
            }
            LocalGeneration g = new LocalGeneration(model, tokens, promptTokens, sampling, rng);
            g.finishReason = FINISH[finish];
            int position = b.getInt();
            if (position < 0 || position > count || position > g.state.capacity()) {
                throw new IllegalArgumentException("the snapshot is corrupt: position " + position + " for "
                        + count + " tokens");
            }
            g.position = position;
            g.state.readCache(b, position);
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("the snapshot is corrupt: " + b.remaining() + " bytes too many");
            }
            return g;
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("the snapshot is truncated (" + bytes.length + " bytes)", e);
        }
    }

    @Override
    public void close() {
        state = null;
    }
}
