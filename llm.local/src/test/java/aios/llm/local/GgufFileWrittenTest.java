package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written here, byte by byte as the GGUF v3 format lays them out, read back. */
class GgufFileWrittenTest {

    @TempDir
    Path tmp;

    /** Writes a GGUF v3 file: metadata of every value type, then the given tensors, aligned to 64 bytes. */
    private Path write(String name, int tensorType, byte[] tensorBytes, int elements) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747).putInt(3).putLong(1).putLong(14);
        key(b, "u8", 0).put((byte) 200);
        key(b, "i8", 1).put((byte) -5);
        key(b, "u16", 2).putShort((short) 60000);
        key(b, "i16", 3).putShort((short) -300);
        key(b, "u32", 4).putInt(-1);
        key(b, "i32", 5).putInt(-70000);
        key(b, "f32", 6).putFloat(0.5f);
        key(b, "bool", 7).put((byte) 1);
        string(key(b, "string", 8), "héllo");
        key(b, "array", 9).putInt(8).putLong(2);
        string(string(b, "a"), "b");
        key(b, "u64", 10).putLong(1L << 40);
        key(b, "i64", 11).putLong(-(1L << 40));
        key(b, "f64", 12).putDouble(0.25);
        key(b, "general.alignment", 4).putInt(64);
        string(b, "t").putInt(1).putLong(elements).putInt(tensorType).putLong(0);
        b.position((b.position() + 63) / 64 * 64);
        b.put(tensorBytes);
        Path p = tmp.resolve(name);
        Files.write(p, java.util.Arrays.copyOf(b.array(), b.position()));
        return p;
    }

    private static ByteBuffer key(ByteBuffer b, String key, int type) {
        return string(b, key).putInt(type);
    }

    private static ByteBuffer string(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return b.putLong(bytes.length).put(bytes);
    }

    @Test
    void readsEveryValueTypeAndAlignedQ8_0Data() throws IOException {
        ByteBuffer q = ByteBuffer.allocate(68).order(ByteOrder.LITTLE_ENDIAN);
        for (int block = 0; block < 2; block++) {
            q.putShort(Float.floatToFloat16(block + 1f));
            for (int j = 0; j < 32; j++) {
                q.put((byte) j);
            }
        }
        GgufFile f = GgufFile.open(write("q8.gguf", 8, q.array(), 64));
        var m = f.metadata();
        assertEquals(200, m.get("u8"));
        assertEquals(-5, m.get("i8"));
        assertEquals(60000, m.get("u16"));
        assertEquals(-300, m.get("i16"));
        assertEquals(4294967295L, m.get("u32"));
        assertEquals(-70000, m.get("i32"));
        assertEquals(0.5f, m.get("f32"));
        assertEquals(true, m.get("bool"));
        assertEquals("héllo", m.get("string"));
        assertEquals(List.of("a", "b"), m.get("array"));
        assertEquals(1L << 40, m.get("u64"));
        assertEquals(-(1L << 40), m.get("i64"));
        assertEquals(0.25, m.get("f64"));
        float[] t = f.floats("t");
        assertEquals(64, t.length);
        assertEquals(31f, t[31]);
        assertEquals(2 * 5f, t[32 + 5]);
    }

    @Test
    void readsAlignedF16AndQ4_0Data() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 32; i++) {
            h.putShort(Float.floatToFloat16(i / 4f));
        }
        assertArrayEquals(new float[] {0f, 0.25f, 0.5f}, java.util.Arrays.copyOf(
                GgufFile.open(write("f16.gguf", 1, h.array(), 32)).floats("t"), 3));

        ByteBuffer q = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(1f));
        for (int j = 0; j < 16; j++) {
            q.put((byte) 0xF0); // low nibble 0 → -8, high nibble 15 → 7
        }
        float[] t = GgufFile.open(write("q4.gguf", 2, q.array(), 32)).floats("t");
        assertEquals(-8f, t[0]);
        assertEquals(7f, t[16]);
    }

    @Test
    void aTensorOfAnUnreadTypeFailsNamingTheTensorAndTheType() throws IOException {
        Path p = write("q4k.gguf", 12, new byte[144], 256);
        IOException e = assertThrows(IOException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().contains("tensor t") && e.getMessage().contains("Q4_K"), e.getMessage());
    }
}
