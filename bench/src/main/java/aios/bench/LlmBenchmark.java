package aios.bench;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.text.TextTable;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code bench:llm}: the local engine (the {@code LlmBackend} named {@code local}, through its {@link Generation}
 * API) against llama.cpp (through its Java binding, {@link LlamaCpp}) on the same GGUF file, prompt and token
 * count, greedy, both warmed up; plus the local engine's snapshot size, snapshot time and restore time.
 *
 * <p>The backend API cannot load a file it was not given, so the model must be one the backend serves (found
 * through {@code AIOS_MODELS}); {@code --model} names it by file name, and llama.cpp loads that file.
 */
@Component(immediate = true, service = LlmBenchmark.class, property = {
        "osgi.command.scope=bench", "osgi.command.function=llm"})
public final class LlmBenchmark {

    private static final String CONFIG_PID = "aios.llm.local";

    /** Dynamic and optional: bench:llm --shape reconfigures the backend, which re-registers it. */
    @Reference(target = "(" + LlmBackend.NAME + "=local)", cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile LlmBackend local;

    @Reference
    private ConfigurationAdmin configAdmin;

    @Descriptor("tokens/s of the local engine against llama.cpp on the same model; snapshot and restore times")
    public String llm(
            @Descriptor("a model the local backend serves (a .gguf file in AIOS_MODELS), by name or path; "
                    + "default: its first") @Parameter(names = "--model", absentValue = "") String model,
            @Descriptor("tokens to generate, greedy") @Parameter(names = "--tokens", absentValue = "128") int tokens,
            @Descriptor("the prompt") @Parameter(names = "--prompt", absentValue = "Once upon a time") String prompt,
            @Descriptor("measured runs per engine (after warm-up); medians are reported")
            @Parameter(names = "--runs", absentValue = "5") int runs,
            @Descriptor("llama.cpp's threads; 0: the machine's cores")
            @Parameter(names = "--threads", absentValue = "0") int threads,
            @Descriptor("15m: instead of --model, a random-weight model of the stories15M shape (dim 288, 6 layers, "
                    + "6 heads, hidden 768, vocabulary 32000, F32), written to the data directory and served by "
                    + "reconfiguring the local backend for the run")
            @Parameter(names = "--shape", absentValue = "") String shape,
            @Descriptor("one JSON object") @Parameter(names = "--json", absentValue = "false",
                    presentValue = "true") boolean json) throws Exception {
        if (tokens < 2 || runs < 1 || threads < 0) {
            throw new IllegalArgumentException("--tokens must be ≥ 2, --runs ≥ 1, --threads ≥ 0");
        }
        if (shape.isEmpty()) {
            return measure(model, tokens, prompt, runs, threads, json);
        }
        if (!shape.equals("15m") || !model.isEmpty()) {
            throw new IllegalArgumentException("--shape takes 15m, and no --model");
        }
        GgufWriter.Shape s = GgufWriter.Shape.STORIES_15M;
        Path dir = Path.of(System.getProperty("aios.data", System.getProperty("java.io.tmpdir")));
        Path file = dir.toAbsolutePath().resolve(s.name() + ".gguf");
        if (!Files.isRegularFile(file)) {
            System.err.println("bench:llm: writing " + file);
            GgufWriter.writeRandom(file, s, 15);
        }
        Configuration c = configAdmin.getConfiguration(CONFIG_PID, "?");
        Dictionary<String, Object> before = c.getProperties();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("model", file.toString());
        c.update(props);
        try {
            long until = System.nanoTime() + 30_000_000_000L;
            while (local == null || !local.models().contains(s.name())) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("the local LLM backend did not take model " + file
                            + " within 30 s");
                }
                Thread.sleep(20);
            }
            return measure(file.toString(), tokens, prompt, runs, threads, json);
        } finally {
            if (before == null) {
                c.delete();
            } else {
                c.update(before);
            }
        }
    }

    private String measure(String model, int tokens, String prompt, int runs, int threads, boolean json)
            throws Exception {
        LlmBackend local = this.local;
        if (local == null) {
            throw new IllegalStateException("no local LLM backend (aios.llm.name=local) is registered");
        }
        int cores = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        String name = modelName(local, model);
        Path file = modelFile(model, name);
        LlmQuery query = new LlmQuery("bench", List.of(Message.user(prompt)), List.of(), LlmAction.CHAT,
                new Sampling(tokens, 0, 1, 0L), name, Scheduling.DEFAULT);

        // the local engine: warm-up (JIT) for at least 2 s, then the measured runs
        long until = System.nanoTime() + 2_000_000_000L;
        for (int i = 0; i < 3 || System.nanoTime() < until; i++) {
            ours(local, query);
        }
        List<LlamaCpp.Run> mine = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            mine.add(ours(local, query));
        }
        int promptTokens;
        try (Generation g = local.start(query)) {
            g.step(1);
            promptTokens = g.result().promptTokens();
        }
        double genTokS = median(mine, r -> (r.tokens() - 1) * 1e9 / r.restNanos());
        double promptTokS = median(mine, r -> promptTokens * 1e9 / r.firstNanos());
        int generated = mine.getFirst().tokens();

        // snapshot and restore after the prompt and some tokens
        long[] snap = new long[2000];
        long[] restore = new long[snap.length];
        int snapshotBytes;
        try (Generation g = local.start(query)) {
            g.step(Math.min(32, tokens));
            byte[] bytes = g.snapshot();
            snapshotBytes = bytes.length;
            for (int i = 0; i < snap.length; i++) {
                long t0 = System.nanoTime();
                bytes = g.snapshot();
                long t1 = System.nanoTime();
                Generation r = local.resume(query, bytes);
                long t2 = System.nanoTime();
                r.close();
                snap[i] = t1 - t0;
                restore[i] = t2 - t1;
            }
        }
        Arrays.sort(snap);
        Arrays.sort(restore);

        // llama.cpp on the same file, prompt and token count
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", name);
        r.put("prompt_tokens", promptTokens);
        r.put("tokens", tokens);
        r.put("runs", runs);
        r.put("gen_tok_s", round(genTokS));
        r.put("prompt_tok_s", round(promptTokS));
        r.put("generated", generated);
        // llama.cpp with the machine's cores as threads and, when that is more than one, with one thread: on a
        // tiny model its threads' synchronisation can cost more than they save.
        // The ratio is against the faster of the two.
        String ourText = mine.getFirst().text();
        double best = 0;
        for (int t : cores > 1 && threads == 0 ? new int[] {cores, 1} : new int[] {cores}) {
            String key = "llamacpp_" + t + "t_";
            try (LlamaCpp cpp = new LlamaCpp(file, Math.max(256, promptTokens + tokens + 16), t)) {
                long cppUntil = System.nanoTime() + 2_000_000_000L;
                for (int i = 0; i < 3 || System.nanoTime() < cppUntil; i++) {
                    cpp.run(prompt, tokens);
                }
                List<LlamaCpp.Run> theirs = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    theirs.add(cpp.run(prompt, tokens));
                }
                double gen = median(theirs, x -> (x.tokens() - 1) * 1e9 / x.restNanos());
                double pr = median(theirs, x -> promptTokens * 1e9 / x.firstNanos());
                r.put(key + "gen_tok_s", round(gen));
                r.put(key + "prompt_tok_s", round(pr));
                r.put(key + "generated", theirs.getFirst().tokens());
                r.put(key + "same_text", theirs.getFirst().text().strip().equals(ourText.strip()));
                if (gen > best) {
                    best = gen;
                    r.put("llamacpp_threads", t);
                    r.put("llamacpp_gen_tok_s", round(gen));
                    r.put("llamacpp_prompt_tok_s", round(pr));
                    r.put("ratio", Math.round(genTokS / gen * 100) / 100.0);
                }
            } catch (Throwable e) { // a native library that does not load is an Error
                r.put("llamacpp_error", e.toString());
                break;
            }
        }
        r.put("snapshot_bytes", snapshotBytes);
        r.put("snapshot_us", round(snap[snap.length / 2] / 1e3));
        r.put("restore_us", round(restore[restore.length / 2] / 1e3));
        return json ? KernelBenchmark.toJson(r) : table(r, prompt).stripTrailing();
    }

    private static LlamaCpp.Run ours(LlmBackend local, LlmQuery query) throws Exception {
        try (Generation g = local.start(query)) {
            long t0 = System.nanoTime();
            g.step(1); // the prompt and the first token
            long t1 = System.nanoTime();
            while (!g.finished()) {
                g.step(Integer.MAX_VALUE);
            }
            long t2 = System.nanoTime();
            return new LlamaCpp.Run(t1 - t0, t2 - t1, g.tokens(), g.result().text());
        }
    }

    private static String modelName(LlmBackend local, String model) {
        List<String> served = local.models();
        if (model.isEmpty()) {
            if (served.isEmpty()) {
                throw new IllegalArgumentException("the local LLM backend serves no model: set AIOS_MODELS to a "
                        + "directory of .gguf files");
            }
            return served.getFirst();
        }
        String name = Path.of(model).getFileName().toString();
        name = name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
        if (!served.contains(name)) {
            throw new IllegalArgumentException("the local LLM backend does not serve " + name + " (it serves "
                    + served + "): put the file in a directory of AIOS_MODELS");
        }
        return name;
    }

    /** The file llama.cpp loads: --model when it is a file, else NAME.gguf in AIOS_MODELS or ./models. */
    private static Path modelFile(String model, String name) {
        if (!model.isEmpty() && Files.isRegularFile(Path.of(model))) {
            return Path.of(model);
        }
        String env = System.getenv("AIOS_MODELS");
        for (String dir : (env == null || env.isBlank() ? "models" : env).split(File.pathSeparator)) {
            Path p = Path.of(dir, name + ".gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException("no file " + name + ".gguf in AIOS_MODELS or ./models for llama.cpp");
    }

    private static double median(List<LlamaCpp.Run> runs, java.util.function.ToDoubleFunction<LlamaCpp.Run> f) {
        double[] v = runs.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static String table(Map<String, Object> r, String prompt) {
        StringBuilder sb = new StringBuilder();
        sb.append("model ").append(r.get("model")).append(", prompt \"").append(prompt).append("\" (")
                .append(r.get("prompt_tokens")).append(" tokens with BOS), up to ").append(r.get("tokens"))
                .append(" tokens greedy, median of ").append(r.get("runs")).append(" runs\n\n");
        TextTable t = new TextTable("engine", "prompt tok/s", "gen tok/s", "tokens generated", "same text").blank("");
        t.row("aios local", r.get("prompt_tok_s"), r.get("gen_tok_s"), r.get("generated"), "");
        r.forEach((k, v) -> {
            if (k.matches("llamacpp_\\d+t_gen_tok_s")) {
                String p = k.substring(0, k.length() - "gen_tok_s".length());
                String n = p.replaceAll("\\D", "");
                t.row("llama.cpp (" + n + (n.equals("1") ? " thread)" : " threads)"), r.get(p + "prompt_tok_s"), v,
                        r.get(p + "generated"), r.get(p + "same_text"));
            }
        });
        if (r.containsKey("llamacpp_error")) {
            t.row("llama.cpp", "failed: " + r.get("llamacpp_error"));
        }
        if (r.containsKey("ratio")) {
            t.row("ratio aios / fastest llama.cpp", "", r.get("ratio"));
        }
        sb.append(t).append('\n');
        sb.append("snapshot ").append(r.get("snapshot_bytes")).append(" bytes in ").append(r.get("snapshot_us"))
                .append(" µs, restore ").append(r.get("restore_us")).append(" µs (medians)\n");
        return sb.toString();
    }
}
