package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LlamaModelTest {

    /** The reference continuation of NOTICE.md, checked against llama.cpp. */
    static final String GOLDEN = ", there was a little girl named Lily. She loved to play outside in the park. One day,"
            + " she saw a big, red ball. She wanted to play with it, but it was too high.";

    @Test
    void greedyDecodingContinuesOnceUponATimeAsLlamaCppDoes() throws IOException {
        greedyDecodingContinuesOnceUponATimeAsLlamaCppDoes(TensorMathTest.VECTOR);
    }

    @Test
    void greedyDecodingContinuesOnceUponATimeAsLlamaCppDoes_withoutVectors() throws IOException {
        greedyDecodingContinuesOnceUponATimeAsLlamaCppDoes(TensorMathTest.SCALAR);
    }

    @Test
    void theVectorAndScalarArithmeticGiveTheSameLogitsAtEveryPosition() throws IOException {
        GgufFile file = GgufFile.open(TestModel.path());
        LlamaModel vector = new LlamaModel(file, TensorMathTest.VECTOR, new RowTeam(0), LlamaModel.PARALLEL_WORK);
        LlamaModel scalar = new LlamaModel(file, TensorMathTest.SCALAR, new RowTeam(0), LlamaModel.PARALLEL_WORK);
        LlamaModel.State vs = vector.new State(200);
        LlamaModel.State ss = scalar.new State(200);
        int token = new Tokenizer(file).bos();
        for (int pos = 0; pos < 200; pos++) {
            float[] v = vector.forward(vs, token, pos, true);
            float[] s = scalar.forward(ss, token, pos, true);
            assertArrayEquals(s, v, "position " + pos);
            token = pos % 3 == 0 ? Sampler.argmax(v) : (pos * 31) % v.length; // not only the likeliest path
        }
    }

    @Test
    void productsSplitOverThreadsGiveTheSameLogits() throws IOException {
        GgufFile file = GgufFile.open(TestModel.path());
        LlamaModel serial = new LlamaModel(file, TensorMathTest.VECTOR, new RowTeam(0), LlamaModel.PARALLEL_WORK);
        // every product split, over more threads than the machine may have cores
        LlamaModel split = new LlamaModel(file, TensorMathTest.VECTOR, new RowTeam(3), 0);
        LlamaModel.State a = serial.new State(100);
        LlamaModel.State b = split.new State(100);
        int token = new Tokenizer(file).bos();
        for (int pos = 0; pos < 100; pos++) {
            float[] expected = serial.forward(a, token, pos, true);
            assertArrayEquals(expected, split.forward(b, token, pos, true), "position " + pos);
            token = Sampler.argmax(expected);
        }
    }

    private static void greedyDecodingContinuesOnceUponATimeAsLlamaCppDoes(TensorMath math) throws IOException {
        GgufFile file = GgufFile.open(TestModel.path());
        Tokenizer tokenizer = new Tokenizer(file);
        LlamaModel model = new LlamaModel(file, math, new RowTeam(0), LlamaModel.PARALLEL_WORK);
        assertEquals(new LlamaModel.Config(64, 5, 8, 4, 172, 512, 2048, 1e-5f, 10000f, 8), model.config());
        List<Integer> prompt = new ArrayList<>(List.of(tokenizer.bos()));
        prompt.addAll(tokenizer.encode("Once upon a time"));
        LlamaModel.State state = model.new State(128);
        for (int i = 0; i < prompt.size() - 1; i++) {
            model.forward(state, prompt.get(i), i, false);
        }
        List<Integer> out = new ArrayList<>();
        int token = prompt.getLast();
        for (int pos = prompt.size() - 1; out.size() < 40; pos++) {
            token = Sampler.argmax(model.forward(state, token, pos, true));
            out.add(token);
        }
        String text = tokenizer.decode(out);
        assertEquals(GOLDEN.substring(0, Math.min(GOLDEN.length(), text.length())), text.substring(0, Math.min(GOLDEN.length(), text.length())));
        assertEquals(true, text.startsWith(GOLDEN.substring(0, 100)), text);
    }
}
