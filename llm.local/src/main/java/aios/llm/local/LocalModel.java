package aios.llm.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One model file loaded for generation: its name (the file name without {@code .gguf}), its tokenizer and
 * weights, and its identity (file size and header hash), which snapshots carry so that they are never resumed
 * on another model. Immutable; shared by every generation of the model.
 */
final class LocalModel {
    final String name;
    final Path path;
    final long size;
    final byte[] headerHash;
    final Tokenizer tokenizer;
    final LlamaModel network;

    private LocalModel(String name, GgufFile file) throws IOException {
        this.name = name;
        this.path = file.path();
        this.size = file.size();
        this.headerHash = file.headerHash();
        this.tokenizer = new Tokenizer(file);
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

    boolean is(long size, byte[] hash) {
        return this.size == size && Arrays.equals(headerHash, hash);
    }

    String identity() {
        return size + " bytes, header " + HexFormat.of().formatHex(headerHash, 0, 8);
    }
}
