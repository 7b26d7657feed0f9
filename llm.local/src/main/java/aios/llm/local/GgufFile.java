package aios.llm.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF (version 3) model file: its metadata, its tensor descriptions, and its tensor data memory-mapped and
 * dequantised on request to {@code float[]}. Reads F32, F16, Q8_0 and Q4_0 tensors.
 *
 * <p>Immutable once opened; safe to share between threads (every read works on its own view of the mapping).
 */
public final class GgufFile {

    private static final int MAGIC = 0x46554747; // "GGUF" read little-endian
    private static final int VERSION = 3;
    private static final int DEFAULT_ALIGNMENT = 32;

    /** A tensor's description: its name, its shape (innermost dimension first, as GGUF stores it), its type. */
    public record TensorInfo(String name, long[] shape, TensorType type, long offset) {

        /** The number of elements. */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** The number of bytes in the file. */
        public long bytes() {
            return elements() / type.blockSize * type.blockBytes;
        }
    }

    /** The tensor element types this reader knows by id; only those with a block size can be read. */
    public enum TensorType {
        F32(0, 1, 4), F16(1, 1, 2), Q4_0(2, 32, 18), Q8_0(8, 32, 34);

        final int id;
        final int blockSize;
        final int blockBytes;

        TensorType(int id, int blockSize, int blockBytes) {
            this.id = id;
            this.blockSize = blockSize;
            this.blockBytes = blockBytes;
        }

        static TensorType of(int id) {
            for (TensorType t : values()) {
                if (t.id == id) {
                    return t;
                }
            }
            return null;
        }
    }

    private final Path path;
    private final long size;
    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;
    private final ByteBuffer data;
    private final byte[] headerHash;

    private GgufFile(Path path, long size, Map<String, Object> metadata, Map<String, TensorInfo> tensors,
                     ByteBuffer data, byte[] headerHash) {
        this.path = path;
        this.size = size;
        this.metadata = metadata;
        this.tensors = tensors;
        this.data = data;
        this.headerHash = headerHash;
    }

    /**
     * Opens and checks a GGUF file: header, metadata, tensor descriptions, and that every tensor lies inside the
     * file. The tensor data stays mapped, not read.
     *
     * @throws IOException naming the file and what is wrong with it (magic, version, truncation, tensor type)
     */
    public static GgufFile open(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + " is " + size + " bytes; this reader maps model files below 2 GB only");
            }
            ByteBuffer all = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            return parse(path, all);
        }
    }

    private static GgufFile parse(Path path, ByteBuffer all) throws IOException {
        Reader r = new Reader(path, all);
        int magic = r.i32("the magic number");
        if (magic != MAGIC) {
            throw new IOException(path + " is not a GGUF file: it starts with 0x" + Integer.toHexString(magic)
                    + ", not the magic \"GGUF\"");
        }
        int version = r.i32("the version");
        if (version != VERSION) {
            throw new IOException(path + " is GGUF version " + version + "; this reader reads version " + VERSION);
        }
        long tensorCount = r.count("the tensor count");
        long kvCount = r.count("the metadata count");
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = r.string("metadata key " + i);
            int type = r.i32("the type of metadata " + key);
            metadata.put(key, r.value(type, key));
        }
        int alignment = DEFAULT_ALIGNMENT;
        if (metadata.get("general.alignment") instanceof Number n) {
            alignment = n.intValue();
            if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
                throw new IOException(path + " has general.alignment " + alignment + ", not a power of two");
            }
        }
        List<TensorInfo> infos = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = r.string("the name of tensor " + i);
            int dims = r.i32("the dimension count of tensor " + name);
            if (dims < 1 || dims > 4) {
                throw new IOException(path + " is corrupt: tensor " + name + " has " + dims + " dimensions");
            }
            long[] shape = new long[dims];
            for (int d = 0; d < dims; d++) {
                shape[d] = r.count("dimension " + d + " of tensor " + name);
            }
            int typeId = r.i32("the type of tensor " + name);
            long offset = r.u64("the offset of tensor " + name);
            TensorType type = TensorType.of(typeId);
            if (type == null) {
                throw new IOException(path + ": tensor " + name + " has type " + typeId + " (" + typeName(typeId)
                        + "); this reader reads F32, F16, Q8_0 and Q4_0 only");
            }
            infos.add(new TensorInfo(name, shape, type, offset));
        }
        long dataStart = (r.position() + alignment - 1) / alignment * alignment;
        byte[] hash = sha256(all.duplicate().position(0).limit(r.position()));
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (TensorInfo t : infos) {
            if (t.elements() % t.type.blockSize != 0) {
                throw new IOException(path + ": tensor " + t.name + " has " + t.elements()
                        + " elements, not a multiple of the " + t.type + " block size " + t.type.blockSize);
            }
            long end = dataStart + t.offset + t.bytes();
            if (end > all.capacity() || end < 0) {
                throw new IOException(path + " is truncated or corrupt: tensor " + t.name + " ends at byte " + end
                        + ", past the end of the file (" + all.capacity() + " bytes)");
            }
            tensors.put(t.name, t);
        }
        ByteBuffer data = all.duplicate().position((int) Math.min(dataStart, all.capacity())).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return new GgufFile(path, all.capacity(), Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors), data, hash);
    }

    public Path path() {
        return path;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    /** SHA-256 of the header, metadata and tensor descriptions: with {@link #size()}, the model's identity. */
    public byte[] headerHash() {
        return headerHash.clone();
    }

    /**
     * The metadata: numbers as {@link Integer}, {@link Long} (unsigned 32-bit and all 64-bit values),
     * {@link Float} or {@link Double}; {@link Boolean}; {@link String}; arrays as {@link List} of those.
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The tensors in file order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** A metadata number, or {@code fallback} when the key is absent. */
    public double number(String key, double fallback) throws IOException {
        Object v = metadata.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new IOException(path + ": metadata " + key + " is " + v + ", not a number");
    }

    /** A required metadata integer. */
    public int integer(String key) throws IOException {
        Object v = metadata.get(key);
        if (v instanceof Number n) {
            return Math.toIntExact(n.longValue());
        }
        throw new IOException(path + ": metadata " + key + (v == null ? " is missing" : " is " + v + ", not a number"));
    }

    /** A required metadata array. */
    public List<?> array(String key) throws IOException {
        Object v = metadata.get(key);
        if (v instanceof List<?> l) {
            return l;
        }
        throw new IOException(path + ": metadata " + key + (v == null ? " is missing" : " is not an array"));
    }

    /**
     * A tensor's values, dequantised, in file order (innermost dimension fastest).
     *
     * @throws IOException if there is no such tensor, naming the file
     */
    public float[] floats(String name) throws IOException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new IOException(path + " has no tensor " + name);
        }
        if (t.elements() > Integer.MAX_VALUE - 8) {
            throw new IOException(path + ": tensor " + name + " has " + t.elements() + " elements, too many for one array");
        }
        ByteBuffer b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).position((int) t.offset).slice()
                .order(ByteOrder.LITTLE_ENDIAN).limit((int) t.bytes());
        float[] out = new float[(int) t.elements()];
        dequantise(t.type, b, out);
        return out;
    }

    /** Decodes {@code out.length} values of {@code type} from {@code b}. */
    static void dequantise(TensorType type, ByteBuffer b, float[] out) {
        b = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case F32 -> b.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.float16ToFloat(b.getShort());
                }
            }
            case Q8_0 -> {
                for (int block = 0; block < out.length; block += 32) {
                    float d = Float.float16ToFloat(b.getShort());
                    for (int j = 0; j < 32; j++) {
                        out[block + j] = b.get() * d;
                    }
                }
            }
            case Q4_0 -> {
                for (int block = 0; block < out.length; block += 32) {
                    float d = Float.float16ToFloat(b.getShort());
                    for (int j = 0; j < 16; j++) {
                        int q = b.get() & 0xFF;
                        out[block + j] = ((q & 0x0F) - 8) * d;
                        out[block + j + 16] = ((q >>> 4) - 8) * d;
                    }
                }
            }
        }
    }

    private static String typeName(int id) {
        String[] names = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K",
                "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S",
                "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};
        return id >= 0 && id < names.length ? names[id] : "unknown";
    }

    private static byte[] sha256(ByteBuffer b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(b);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Reads the header with bounds checks, so that a short file fails with a message, not an underflow. */
    private static final class Reader {
        private final Path path;
        private final ByteBuffer b;

        Reader(Path path, ByteBuffer b) {
            this.path = path;
            this.b = b;
        }

        int position() {
            return b.position();
        }

        private void need(long n, String what) throws IOException {
            if (n > b.remaining()) {
                throw new IOException(path + " is truncated: " + what + " needs " + n + " bytes at offset "
                        + b.position() + ", but the file has " + b.capacity() + " bytes");
            }
        }

        int i32(String what) throws IOException {
            need(4, what);
            return b.getInt();
        }

        long count(String what) throws IOException {
            need(8, what);
            long v = b.getLong();
            if (v < 0 || v > b.capacity()) {
                throw new IOException(path + " is truncated or corrupt: " + what + " is " + Long.toUnsignedString(v)
                        + ", impossible in a file of " + b.capacity() + " bytes");
            }
            return v;
        }

        long u64(String what) throws IOException {
            need(8, what);
            long v = b.getLong();
            if (v < 0) {
                throw new IOException(path + " is corrupt: " + what + " is " + Long.toUnsignedString(v));
            }
            return v;
        }

        String string(String what) throws IOException {
            long n = count("the length of " + what);
            need(n, what);
            byte[] s = new byte[(int) n];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }

        Object value(int type, String key) throws IOException {
            String what = "the value of " + key;
            return switch (type) {
                case 0 -> { need(1, what); yield b.get() & 0xFF; }
                case 1 -> { need(1, what); yield (int) b.get(); }
                case 2 -> { need(2, what); yield b.getShort() & 0xFFFF; }
                case 3 -> { need(2, what); yield (int) b.getShort(); }
                case 4 -> { need(4, what); yield b.getInt() & 0xFFFFFFFFL; }
                case 5 -> { need(4, what); yield b.getInt(); }
                case 6 -> { need(4, what); yield b.getFloat(); }
                case 7 -> { need(1, what); yield b.get() != 0; }
                case 8 -> string(what);
                case 9 -> {
                    int elementType = i32("the element type of " + key);
                    long n = count("the length of " + key);
                    List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 20));
                    for (long i = 0; i < n; i++) {
                        list.add(value(elementType, key));
                    }
                    yield Collections.unmodifiableList(list);
                }
                case 10, 11 -> { need(8, what); yield b.getLong(); }
                case 12 -> { need(8, what); yield b.getDouble(); }
                default -> throw new IOException(path + " is corrupt: metadata " + key + " has value type " + type
                        + ", not a GGUF type (0 to 12)");
            };
        }
    }
}
