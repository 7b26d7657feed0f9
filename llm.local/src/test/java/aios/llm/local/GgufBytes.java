package aios.llm.local;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Edits of a GGUF file's bytes for tests: metadata added, a value or tensor type found to patch. */
final class GgufBytes {

    private static final int HEADER = 4 + 4 + 8 + 8; // magic, version, tensor count, metadata count
    private static final int ALIGNMENT = 32; // the test model sets no general.alignment

    private GgufBytes() {
    }

    /**
     * {@code gguf} with string metadata added before the rest, padded by one more key to a multiple of the
     * alignment, so that the tensor data stays aligned and the tensors' offsets stay right.
     */
    static byte[] withStrings(byte[] gguf, Map<String, String> strings) {
        ByteArrayOutputStream added = new ByteArrayOutputStream();
        strings.forEach((k, v) -> added.writeBytes(stringEntry(k, v)));
        int padKey = stringEntry("aios.test.padding", "").length;
        String pad = " ".repeat(Math.floorMod(-(added.size() + padKey), ALIGNMENT));
        added.writeBytes(stringEntry("aios.test.padding", pad));
        ByteBuffer in = ByteBuffer.wrap(gguf).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer out = ByteBuffer.allocate(gguf.length + added.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.put(gguf, 0, HEADER).putLong(16, in.getLong(16) + strings.size() + 1);
        out.put(added.toByteArray()).put(gguf, HEADER, gguf.length - HEADER);
        return out.array();
    }

    private static byte[] stringEntry(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + k.length + 4 + 8 + v.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(k.length).put(k).putInt(8).putLong(v.length).put(v).array();
    }

    /** Where the value type of metadata {@code key} is (its value follows it). */
    static int valueTypeOffset(byte[] gguf, String key) {
        return find(gguf, key);
    }

    /** Where the type id of tensor {@code name} is. */
    static int tensorTypeOffset(byte[] gguf, String name) {
        int at = find(gguf, name);
        int dims = ByteBuffer.wrap(gguf).order(ByteOrder.LITTLE_ENDIAN).getInt(at);
        return at + 4 + 8 * dims;
    }

    /** The offset just after the GGUF string {@code s} (its length, then its bytes) in the header. */
    private static int find(byte[] gguf, String s) {
        byte[] k = s.getBytes(StandardCharsets.UTF_8);
        byte[] pattern = ByteBuffer.allocate(8 + k.length).order(ByteOrder.LITTLE_ENDIAN).putLong(k.length).put(k).array();
        outer:
        for (int i = 0; i + pattern.length <= gguf.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (gguf[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i + pattern.length;
        }
        throw new IllegalArgumentException("no " + s + " in the file");
    }

    static void putInt(byte[] gguf, int offset, int value) {
        ByteBuffer.wrap(gguf).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
    }

    static void putLong(byte[] gguf, int offset, long value) {
        ByteBuffer.wrap(gguf).order(ByteOrder.LITTLE_ENDIAN).putLong(offset, value);
    }
}
