package aios.llm.local;

import aios.kernel.api.syscall.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model file loaded for generation: its name (the file name without {@code .gguf}), its tokenizer, chat
 * template and weights, and its identity (file size and header hash), which snapshots carry so that they are
 * never resumed on another model. Immutable; shared by every generation of the model.
 */
final class LocalModel {

    /** The GGUF metadata key of the model's chat template (Jinja text). */
    static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    final String name;
    final Path path;
    final long size;
    final byte[] headerHash;
    final Tokenizer tokenizer;
    /** The template's text, or {@code null} when the file has none. */
    final String chatTemplateText;
    /** How chats are rendered: {@link ChatTemplate#PLAIN} without a template or with one not recognised. */
    final ChatTemplate chat;
    final LlamaModel network;

    private LocalModel(String name, GgufFile file) throws IOException {
        this.name = name;
        this.path = file.path();
        this.size = file.size();
        this.headerHash = file.headerHash();
        this.tokenizer = new Tokenizer(file);
        this.chatTemplateText = chatTemplateOf(file);
        this.chat = chatTemplateText == null ? ChatTemplate.PLAIN : ChatTemplate.recognise(chatTemplateText,
                tokenizer.piece(tokenizer.bos()), tokenizer.piece(tokenizer.eos())).orElse(ChatTemplate.PLAIN);
        this.network = new LlamaModel(file);
        if (tokenizer.size() != network.config().vocabulary()) {
            throw new IOException(path + ": the tokenizer has " + tokenizer.size() + " tokens, the network "
                    + network.config().vocabulary());
        }
        checkShapes(file, network.config());
    }

    /**
     * Checks every weight's shape against the metadata's, so that a corrupt file fails here, naming the tensor,
     * rather than with an index out of bounds in the middle of a generation.
     */
    private static void checkShapes(GgufFile file, LlamaModel.Config c) throws IOException {
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

    static LocalModel open(Path path) throws IOException {
        return new LocalModel(nameOf(path), GgufFile.open(path));
    }

    static String nameOf(Path path) {
        String file = path.getFileName().toString();
        return file.endsWith(".gguf") ? file.substring(0, file.length() - ".gguf".length()) : file;
    }

    /** The chat template of {@code file}'s metadata, or {@code null} when it has none. */
    static String chatTemplateOf(GgufFile file) throws IOException {
        Object t = file.metadata().get(CHAT_TEMPLATE);
        if (t != null && !(t instanceof String)) {
            throw new IOException(file.path() + ": metadata " + CHAT_TEMPLATE + " is not a string");
        }
        return (String) t;
    }

    /** Whether the file has a chat template this engine does not recognise, so chats are rendered plainly. */
    boolean chatTemplateUnrecognised() {
        return chatTemplateText != null && chat.format() == ChatTemplate.Format.PLAIN;
    }

    /** The prompt's tokens: BOS if the model wants it, then {@code messages} rendered by {@link #chat}. */
    List<Integer> prompt(List<Message> messages) {
        List<Integer> tokens = new ArrayList<>();
        if (tokenizer.addBos()) {
            tokens.add(tokenizer.bos());
        }
        tokens.addAll(tokenizer.encode(chat.render(messages)));
        return tokens;
    }

    boolean is(long size, byte[] hash) {
        return this.size == size && Arrays.equals(headerHash, hash);
    }

    String identity() {
        return size + " bytes, header " + HexFormat.of().formatHex(headerHash, 0, 8);
    }
}
