package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model files the engine cannot run fail with an error naming the file and the fault; the others still run. */
class BadModelTest {

    @TempDir
    Path dir;

    private static byte[] model() throws IOException {
        return Files.readAllBytes(TestModel.path());
    }

    /** The test model, its general.architecture "llama" replaced by another of five letters. */
    private static byte[] ofArchitecture(String arch) throws IOException {
        byte[] b = model();
        int value = GgufBytes.valueTypeOffset(b, "general.architecture") + 4 + 8; // type, then the string's length
        System.arraycopy(arch.getBytes(StandardCharsets.US_ASCII), 0, b, value, 5);
        return b;
    }

    /** The test model with tensor {@code name}'s last dimension halved. */
    private static byte[] withHalvedTensor(String name) throws IOException {
        byte[] b = model();
        int lastDim = GgufBytes.tensorTypeOffset(b, name) - 8;
        long d = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(lastDim);
        GgufBytes.putLong(b, lastDim, d / 2);
        return b;
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static LlmQuery query(String model) {
        return new LlmQuery("agent", List.of(Message.user("Once upon a time")), List.of(), LlmAction.CHAT,
                new Sampling(10, 0, 1, null), model, Scheduling.DEFAULT);
    }

    @Test
    void aModelOfAnotherArchitectureIsRefusedNamingTheFileAndTheArchitecture() throws IOException {
        Path gemma = write("gemma.gguf", ofArchitecture("gemma"));
        IOException e = assertThrows(IOException.class, () -> LocalModel.open(gemma));
        assertEquals(gemma + " is a gemma model; this engine runs the llama architecture only", e.getMessage());
    }

    @Test
    void aTensorWhoseShapeDisagreesWithTheMetadataIsRefusedBeforeAnyGeneration() throws IOException {
        Path bad = write("shape.gguf", withHalvedTensor("blk.0.attn_q.weight"));
        IOException e = assertThrows(IOException.class, () -> LocalModel.open(bad));
        assertTrue(e.getMessage().startsWith(bad + " is corrupt: tensor blk.0.attn_q.weight has shape [64, 32], "
                + "not [64, 64]"), e.getMessage());

        Path down = write("down.gguf", withHalvedTensor("blk.4.ffn_down.weight"));
        e = assertThrows(IOException.class, () -> LocalModel.open(down));
        assertTrue(e.getMessage().contains("tensor blk.4.ffn_down.weight has shape [172, 32], not [172, 64]"),
                e.getMessage());
    }

    @Test
    void eachBadFileFailsItsOwnCalls_theBackendServesTheGoodOneMeanwhile() throws Exception {
        byte[] good = model();
        Files.write(dir.resolve("a-good.gguf"), good);
        Path cut = write("b-cut.gguf", Arrays.copyOf(good, good.length - 1000));
        Path gemma = write("c-gemma.gguf", ofArchitecture("gemma"));
        Path shape = write("d-shape.gguf", withHalvedTensor("output_norm.weight"));
        LocalBackend b = LocalBackend.of(LocalBackend.scan(dir.toString()));
        assertEquals(List.of("a-good", "b-cut", "c-gemma", "d-shape"), b.models());

        IOException e = assertThrows(IOException.class, () -> b.complete(query("b-cut")));
        assertTrue(e.getMessage().startsWith(cut + " is truncated or corrupt: tensor "), e.getMessage());
        e = assertThrows(IOException.class, () -> b.complete(query("c-gemma")));
        assertTrue(e.getMessage().startsWith(gemma + " is a gemma model"), e.getMessage());
        e = assertThrows(IOException.class, () -> b.complete(query("d-shape")));
        assertTrue(e.getMessage().startsWith(shape + " is corrupt: tensor output_norm.weight"), e.getMessage());
        assertTrue(b.complete(query("a-good")).text().startsWith(", there was a little girl"));
        e = assertThrows(IOException.class, () -> b.complete(query("b-cut")));
        assertTrue(e.getMessage().contains("truncated"), "a bad file fails every time, not only once: " + e.getMessage());
    }

    @Test
    void aPromptLongerThanTheContextIsRefusedNamingTheLimit() throws Exception {
        LocalBackend b = LocalBackend.of(List.of(TestModel.path()));
        LlmQuery tooLong = new LlmQuery("agent", List.of(Message.system("Tell a story."),
                Message.user("Lily ".repeat(2100))), List.of(), LlmAction.CHAT, Sampling.DEFAULT, null,
                Scheduling.DEFAULT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.start(tooLong));
        assertTrue(e.getMessage().matches("the prompt is \\d+ tokens; model stories260K has a context of 2048 tokens.*"
                + "shorten the prompt"), e.getMessage());
    }
}
