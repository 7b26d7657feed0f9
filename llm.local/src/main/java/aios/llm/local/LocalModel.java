package aios.llm.local;

import aios.kernel.api.syscall.Message;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

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
