package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.llm.local.GgufFile.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsTheMetadataAndTensorsOfTheTestModel() throws IOException {
        GgufFile f = GgufFile.open(TestModel.path());
        assertEquals("llama", f.metadata().get("general.architecture"));
        assertEquals(64, f.integer("llama.embedding_length"));
        assertEquals(5, f.integer("llama.block_count"));
        assertEquals(8, f.integer("llama.attention.head_count"));
        assertEquals(4, f.integer("llama.attention.head_count_kv"));
        assertEquals(172, f.integer("llama.feed_forward_length"));
        assertEquals(512, f.array("tokenizer.ggml.tokens").size());
        assertEquals(2 + 5 * 9, f.tensors().size() - (f.tensors().containsKey("output.weight") ? 1 : 0));
        GgufFile.TensorInfo embd = f.tensors().get("token_embd.weight");
        assertArrayEquals(new long[] {64, 512}, embd.shape());
        assertEquals(TensorType.F32, embd.type());
        assertArrayEquals(new long[] {64, 172}, f.tensors().get("blk.0.ffn_gate.weight").shape());
        assertArrayEquals(new long[] {64, 32}, f.tensors().get("blk.4.attn_k.weight").shape());
        assertEquals(64 * 512, f.floats("token_embd.weight").length);
    }

    @Test
    void aTruncatedFileFailsNamingTheFileAndTheProblem() throws IOException {
        byte[] all = Files.readAllBytes(TestModel.path());
        Path cut = tmp.resolve("cut.gguf");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        IOException e = assertThrows(IOException.class, () -> GgufFile.open(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("past the end"), e.getMessage());

        Path header = tmp.resolve("header.gguf");
        Files.write(header, java.util.Arrays.copyOf(all, 300));
        e = assertThrows(IOException.class, () -> GgufFile.open(header));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void aFileWithoutTheMagicOrOfAnotherVersionIsRefused() throws IOException {
        Path text = tmp.resolve("text.gguf");
        Files.writeString(text, "hello, this is not a model");
        IOException e = assertThrows(IOException.class, () -> GgufFile.open(text));
        assertTrue(e.getMessage().contains("not a GGUF file"), e.getMessage());

        Path v2 = tmp.resolve("v2.gguf");
        Files.write(v2, ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0x46554747).putInt(2).array());
        e = assertThrows(IOException.class, () -> GgufFile.open(v2));
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void dequantisesF16() {
        ByteBuffer b = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f)).putShort(Float.floatToFloat16(0.25f));
        float[] out = new float[3];
        GgufFile.dequantise(TensorType.F16, b.flip(), out);
        assertArrayEquals(new float[] {1.5f, -2f, 0.25f}, out);
    }

    @Test
    void dequantisesQ8_0() {
        ByteBuffer b = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(0.5f));
        for (int j = 0; j < 32; j++) {
            b.put((byte) (j - 16));
        }
        float[] out = new float[32];
        GgufFile.dequantise(TensorType.Q8_0, b.flip(), out);
        for (int j = 0; j < 32; j++) {
            assertEquals((j - 16) * 0.5f, out[j]);
        }
    }

    @Test
    void dequantisesQ4_0LowNibblesFirstThenHighNibbles() {
        ByteBuffer b = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN).putShort(Float.floatToFloat16(2f));
        for (int j = 0; j < 16; j++) {
            b.put((byte) (j | (15 - j) << 4)); // low nibble j, high nibble 15 - j
        }
        float[] out = new float[32];
        GgufFile.dequantise(TensorType.Q4_0, b.flip(), out);
        for (int j = 0; j < 16; j++) {
            assertEquals((j - 8) * 2f, out[j]);
            assertEquals((15 - j - 8) * 2f, out[j + 16]);
        }
    }

    /** The test model with {@code patch} applied, in a temporary file. */
    private Path patched(String name, java.util.function.Consumer<byte[]> patch) throws IOException {
        byte[] b = Files.readAllBytes(TestModel.path());
        patch.accept(b);
        Path p = tmp.resolve(name);
        Files.write(p, b);
        return p;
    }

    private static void assertFails(Path p, String... parts) {
        IOException e = assertThrows(IOException.class, () -> GgufFile.open(p));
        assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    @Test
    void aModelWithAFlippedMagicByteIsNotAGgufFile() throws IOException {
        assertFails(patched("magic.gguf", b -> b[0] ^= 0x20), "is not a GGUF file", "not the magic \"GGUF\"");
    }

    @Test
    void aTensorOfAnUnsupportedTypeFailsNamingTheTensorTheTypeAndTheTypesRead() throws IOException {
        Path q4k = patched("q4k.gguf", b -> GgufBytes.putInt(b, GgufBytes.tensorTypeOffset(b, "blk.3.ffn_up.weight"), 12));
        assertFails(q4k, "tensor blk.3.ffn_up.weight has type 12 (Q4_K)", "reads F32, F16, Q8_0 and Q4_0 only");
        Path unknown = patched("t99.gguf", b -> GgufBytes.putInt(b, GgufBytes.tensorTypeOffset(b, "output.weight"), 99));
        assertFails(unknown, "tensor output.weight has type 99 (unknown)");
    }

    @Test
    void corruptMetadataFailsNamingTheKey() throws IOException {
        Path type = patched("type.gguf", b -> GgufBytes.putInt(b, GgufBytes.valueTypeOffset(b, "general.name"), 13));
        assertFails(type, "is corrupt: metadata general.name has value type 13, not a GGUF type");
        // an array length the file cannot hold (element type, then length, after the value type)
        Path length = patched("length.gguf", b -> GgufBytes.putLong(b,
                GgufBytes.valueTypeOffset(b, "tokenizer.ggml.tokens") + 8, 1_000_000_000L));
        assertFails(length, "the length of tokenizer.ggml.tokens is 1000000000, impossible in a file of");
        Path string = patched("string.gguf", b -> {
            int at = GgufBytes.valueTypeOffset(b, "general.architecture") + 4;
            GgufBytes.putLong(b, at, b.length - (at + 8) + 1); // one byte more than the file has left
        });
        assertFails(string, "is truncated", "general.architecture");
    }
}
