package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBackendTest {

    final LocalBackend backend = LocalBackend.of(List.of(TestModel.path()));

    static LlmQuery query(String prompt, Sampling sampling) {
        return new LlmQuery("agent", List.of(Message.user(prompt)), List.of(), LlmAction.CHAT, sampling, null,
                Scheduling.DEFAULT);
    }

    @Test
    void greedyGenerationContinuesWithTheReferenceStory() throws Exception {
        assertEquals(List.of("stories260K"), backend.models());
        LlmResult r = backend.complete(query("Once upon a time", new Sampling(40, 0, 1, null)));
        assertTrue(r.text().startsWith(LlamaModelTest.GOLDEN.substring(0, 100)), r.text());
        assertEquals(40, r.completionTokens());
        assertEquals(5, r.promptTokens()); // BOS and four words
        assertEquals("length", r.finishReason());
        assertEquals("stories260K", r.model());
    }

    @Test
    void aSeededSampledGenerationIsReproducibleAndTheSeedMatters() throws Exception {
        Sampling seeded = new Sampling(60, 0.9, 0.95, 7L);
        String first = backend.complete(query("Once upon a time", seeded)).text();
        assertEquals(first, backend.complete(query("Once upon a time", seeded)).text());
        assertNotEquals(first, backend.complete(query("Once upon a time", new Sampling(60, 0.9, 0.95, 8L))).text());
    }

    @Test
    void steppingWithASnapshotAndResumeBetweenStepsGivesTheUninterruptedText() throws Exception {
        LlmQuery q = query("Tom had a dog", new Sampling(80, 1.0, 0.9, 1234L));
        LlmResult whole = backend.complete(q);

        Generation g = backend.start(q);
        int steps = 0;
        while (!g.finished()) {
            g.step(5);
            byte[] bytes = g.snapshot();
            g.close();
            g = LocalBackend.of(List.of(TestModel.path())).resume(q, bytes); // as after a restart
            steps++;
        }
        assertTrue(steps > 3, "only " + steps + " steps");
        assertEquals(whole, g.result());
        assertEquals(0, g.step(5));
    }

    @Test
    void aGenerationStopsAtEndOfText() throws Exception {
        LlmResult r = backend.complete(query("Once upon a time", new Sampling(2000, 0, 1, null)));
        assertEquals("stop", r.finishReason(), r.text());
        assertTrue(r.completionTokens() < 2000);
    }

    @Test
    void badInputFailsWithAMessageNamingTheLimitOrTheFault() throws Exception {
        String tooLong = "Lily ".repeat(2100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> backend.start(query(tooLong, Sampling.DEFAULT)));
        assertTrue(e.getMessage().contains("context of 2048 tokens"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> backend.start(
                new LlmQuery("agent", List.of(Message.user("hi")), List.of(), LlmAction.CHAT, Sampling.DEFAULT,
                        "gpt-9", Scheduling.DEFAULT)));
        assertTrue(e.getMessage().contains("gpt-9") && e.getMessage().contains("stories260K"), e.getMessage());

        LlmQuery q = query("Once upon a time", new Sampling(10, 0, 1, null));
        e = assertThrows(IllegalArgumentException.class, () -> backend.resume(q, "not a snapshot".getBytes()));
        assertTrue(e.getMessage().contains("not a snapshot"), e.getMessage());

        Generation g = backend.start(q);
        g.step(3);
        byte[] bytes = g.snapshot();
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 10);
        e = assertThrows(IllegalArgumentException.class, () -> backend.resume(q, cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        byte[] otherVersion = bytes.clone();
        otherVersion[7] = 9;
        e = assertThrows(IllegalArgumentException.class, () -> backend.resume(q, otherVersion));
        assertTrue(e.getMessage().contains("version 9") && e.getMessage().contains("reads versions 1 to 2"),
                e.getMessage());
        byte[] negativeTopK = bytes.clone();
        java.nio.ByteBuffer.wrap(negativeTopK).putInt(4 + 4 + 8 + 32 + 4 + 4 + 8 + 8, -2);
        e = assertThrows(IllegalArgumentException.class, () -> backend.resume(q, negativeTopK));
        assertTrue(e.getMessage().contains("corrupt: top-k -2"), e.getMessage());
        byte[] otherModel = bytes.clone();
        otherModel[20] ^= 1; // a byte of the header hash
        e = assertThrows(IllegalArgumentException.class, () -> backend.resume(q, otherModel));
        assertTrue(e.getMessage().contains("has not loaded"), e.getMessage());
    }

    @Test
    void withoutAModelTheBackendSaysWhereToPutOne_andServesOnePutThere(@TempDir Path empty) throws Exception {
        LocalBackend none = new LocalBackend();
        none.configure("", empty.toString());
        assertEquals(List.of(), none.models());
        IOException e = assertThrows(IOException.class, () -> none.complete(query("hi", Sampling.DEFAULT)));
        assertTrue(e.getMessage().contains("put a .gguf file in " + empty) && e.getMessage().contains("AIOS_MODELS"),
                e.getMessage());

        Files.copy(TestModel.path(), empty.resolve("tiny.gguf"));
        assertEquals(List.of("tiny"), none.models());
        assertEquals("tiny", none.complete(query("Once upon a time", new Sampling(5, 0, 1, null))).model());
    }

    @Test
    void aConfiguredModelFileThatDoesNotExistLeavesTheBackendUp_failingEachCallNamingThePath(@TempDir Path dir)
            throws Exception {
        Path missing = dir.resolve("llama-7b.gguf");
        LocalBackend b = new LocalBackend();
        b.configure(missing.toString(), null); // throws nothing: the service stays registered
        assertEquals(List.of(), b.models());
        IOException e = assertThrows(IOException.class, () -> b.start(query("hi", Sampling.DEFAULT)));
        assertTrue(e.getMessage().contains("the model file " + missing + " configured as model in aios.llm.local "
                + "does not exist: put the .gguf file there"), e.getMessage());
        assertEquals(e.getMessage() + "\n", new EngineCommands(b).models(), "llm:models says why it lists none");

        Files.copy(TestModel.path(), missing);
        assertEquals(List.of("llama-7b"), b.models(), "the file put where the error said is served");
        assertTrue(b.complete(query("Once upon a time", new Sampling(20, 0, 1, null))).text()
                .startsWith(", there was a little girl named Lily."));
    }

    @Test
    void topK1AtAHighTemperatureGivesTheGreedyText() throws Exception {
        String greedy = backend.complete(query("Once upon a time", new Sampling(40, 0, 1, null))).text();
        assertEquals(greedy, backend.complete(query("Once upon a time", new Sampling(40, 1.5, 1, 3L, 1))).text());
        assertNotEquals(greedy, backend.complete(query("Once upon a time", new Sampling(40, 1.5, 1, 3L))).text(),
                "without top-k this temperature leaves the greedy path");
    }

    @Test
    void theSnapshotKeepsTopK_andAVersion1SnapshotResumesWithoutALimit() throws Exception {
        LlmQuery topK = query("Tom had a dog", new Sampling(60, 2.0, 1, 5L, 3));
        LlmResult whole = backend.complete(topK);
        assertNotEquals(whole.text(), backend.complete(query("Tom had a dog", new Sampling(60, 2.0, 1, 5L))).text(),
                "top-k 3 changes what this temperature draws");
        Generation g = backend.start(topK);
        while (!g.finished()) {
            g.step(7);
            byte[] bytes = g.snapshot();
            g.close();
            g = LocalBackend.of(List.of(TestModel.path())).resume(query("x", Sampling.DEFAULT), bytes);
        }
        assertEquals(whole, g.result());

        // version 1 had no top-k (the int after top-p): such a snapshot continues as it was started, without one
        LlmQuery free = query("Tom had a dog", new Sampling(60, 2.0, 1, 5L));
        Generation v2 = backend.start(free);
        v2.step(10);
        byte[] bytes = v2.snapshot();
        int topKAt = 4 + 4 + 8 + 32 + 4 + 4 + 8 + 8;
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(bytes.length - 4);
        v1.put(bytes, 0, topKAt).put(bytes, topKAt + 4, bytes.length - topKAt - 4).putInt(4, 1);
        Generation resumed = backend.resume(free, v1.array());
        resumed.step(Integer.MAX_VALUE);
        assertEquals(backend.complete(free), resumed.result());
    }

    @Test
    void findsTheModelFilesOfADirectoryList(@TempDir Path dir) throws Exception {
        Files.copy(TestModel.path(), dir.resolve("b.gguf"));
        Files.copy(TestModel.path(), dir.resolve("a.gguf"));
        Files.writeString(dir.resolve("notes.txt"), "not a model");
        LocalBackend two = LocalBackend.of(LocalBackend.scan(dir + java.io.File.pathSeparator + dir.resolve("none")));
        assertEquals(List.of("a", "b"), two.models());
    }

}
