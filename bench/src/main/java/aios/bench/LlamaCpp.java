package aios.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * llama.cpp through its Java binding (de.kherud:llama, embedded in this bundle with its native library): the
 * reference bench:llm compares the local engine with. Greedy decoding, no prompt cache, so that every run
 * evaluates the prompt again.
 */
final class LlamaCpp implements AutoCloseable {

    /** One run: nanoseconds to the first token (the prompt's evaluation and one token), then to the last. */
    record Run(long firstNanos, long restNanos, int tokens, String text) {
    }

    private final LlamaModel model;

    LlamaCpp(Path file, int context, int threads) {
        quietly();
        model = new LlamaModel(new ModelParameters().setModel(file.toString()).setCtxSize(context)
                .setThreads(threads).setThreadsBatch(threads).disableLog());
    }

    /**
     * Loads the binding (its loader prints where it extracted the native library to stdout, which is the
     * benchmark's answer: that line goes to stderr) and silences llama.cpp's log.
     */
    private static synchronized void quietly() {
        PrintStream out = System.out;
        System.setOut(System.err);
        try {
            LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> { });
        } finally {
            System.setOut(out);
        }
    }

    Run run(String prompt, int tokens) {
        InferenceParameters p = new InferenceParameters(prompt).setNPredict(tokens).setTemperature(0).setTopK(1)
                .setSeed(0).setCachePrompt(false);
        StringBuilder text = new StringBuilder();
        int n = 0;
        long start = System.nanoTime();
        long first = 0;
        for (LlamaOutput o : model.generate(p)) {
            if (o.text.isEmpty()) {
                continue; // the closing message
            }
            if (n++ == 0) {
                first = System.nanoTime();
            }
            text.append(o.text);
        }
        long end = System.nanoTime();
        return new Run(first - start, end - first, n, text.toString());
    }

    @Override
    public void close() {
        model.close();
    }
}
