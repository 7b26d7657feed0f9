package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.llm.local.GgufFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

    @Test
    void aWrittenModelReadsBackWithItsShapeAndTheSameWeightsForTheSameSeed(@TempDir Path dir) throws Exception {
        GgufWriter.Shape tiny = new GgufWriter.Shape("tiny", 16, 2, 4, 2, 24, 300, 64);
        Path a = dir.resolve("a.gguf");
        Path b = dir.resolve("b.gguf");
        GgufWriter.writeRandom(a, tiny, 7);
        GgufWriter.writeRandom(b, tiny, 7);
        assertEquals(-1L, Files.mismatch(a, b), "the same seed writes the same file");
        GgufFile f = GgufFile.open(a);
        assertEquals(16, f.integer("llama.embedding_length"));
        assertEquals(2, f.integer("llama.block_count"));
        assertEquals(4, f.integer("llama.attention.head_count"));
        assertEquals(2, f.integer("llama.attention.head_count_kv"));
        assertEquals(24, f.integer("llama.feed_forward_length"));
        float[] embeddings = f.floats("token_embd.weight");
        assertEquals(16 * 300, embeddings.length);
        assertTrue(java.util.stream.IntStream.range(0, embeddings.length).anyMatch(i -> embeddings[i] != 0),
                "random weights, not zeros");
    }
}
