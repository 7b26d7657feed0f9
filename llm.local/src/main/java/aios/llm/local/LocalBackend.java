package aios.llm.local;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Runs Llama-architecture GGUF models in this process, in steps the kernel can preempt ({@link #start}) and
 * resume from bytes ({@link #resume}). Chat messages are rendered with the model's chat template when it is of a
 * known family ({@link ChatTemplate}), else as their text, one per line.
 *
 * <p>Models, in this order: the file configured as {@code model} (PID {@code aios.llm.local}); else the
 * {@code .gguf} files in the directories of the {@code AIOS_MODELS} environment variable; else those in
 * {@code ./models/}. Each is loaded on first use and then shared. Thread-safe: generations are independent.
 */
@Component(service = LlmBackend.class, configurationPid = LocalBackend.PID, property = {LlmBackend.NAME + "=local",
        "osgi.command.scope=llm", "osgi.command.function=models", "osgi.command.function=generate"})
@Designate(ocd = LocalBackend.Config.class)
public final class LocalBackend implements LlmBackend {

    static final String PID = "aios.llm.local";
    private static final String ENV = "AIOS_MODELS";

    @ObjectClassDefinition(id = PID, name = "AIOS local model engine",
            description = "Runs GGUF models (Llama architecture; F32, F16, Q8_0, Q4_0) in the kernel's process")
    public @interface Config {
        @AttributeDefinition(description = "A .gguf model file; empty: the .gguf files in the directories of the "
                + "AIOS_MODELS environment variable, else in ./models")
        String model() default "";
    }

    /** Model name → file, the default first. */
    private volatile Map<String, Path> files = Map.of();
    private volatile String searched = "";
    private final Map<String, LocalModel> loaded = new ConcurrentHashMap<>();

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    volatile Logger log;

    public LocalBackend() {
    }

    /** A backend serving these model files (the first is the default). */
    static LocalBackend of(List<Path> models) {
        LocalBackend b = new LocalBackend();
        b.use(models, models.toString());
        return b;
    }

    @Activate
    void activate(Config config) throws IOException {
        List<Path> found;
        String where;
        if (!config.model().isBlank()) {
            Path p = Path.of(config.model());
            if (!Files.isRegularFile(p)) {
                throw new IOException("the model file " + p.toAbsolutePath() + " configured as model in " + PID
                        + " does not exist");
            }
            found = List.of(p);
            where = p.toString();
        } else {
            String env = System.getenv(ENV);
            where = env != null && !env.isBlank() ? env + " (" + ENV + ")" : Path.of("models").toAbsolutePath().toString();
            found = scan(env != null && !env.isBlank() ? env : "models");
        }
        use(found, where);
    }

    private void use(List<Path> models, String where) {
        Map<String, Path> m = new LinkedHashMap<>();
        models.forEach(p -> m.putIfAbsent(LocalModel.nameOf(p), p));
        files = m;
        searched = where;
        loaded.clear();
    }

    /** The .gguf files in the directories of a path list, sorted by name within each. */
    static List<Path> scan(String dirs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : dirs.split(File.pathSeparator)) {
            Path d = Path.of(dir);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".gguf") && Files.isRegularFile(p)).sorted()
                            .forEach(out::add);
                }
            }
        }
        return out;
    }

    @Override
    @org.apache.felix.service.command.Descriptor("list the models this backend serves (the first is the default)")
    public List<String> models() {
        return List.copyOf(files.keySet());
    }

    /**
     * {@code llm:generate}: runs a prompt on the engine directly, outside the kernel's queues (agents go through
     * the kernel: {@code aios:submit llm}).
     */
    @org.apache.felix.service.command.Descriptor("print the continuation of a prompt, straight from the local engine")
    public String generate(
            @org.apache.felix.service.command.Descriptor("a model this backend serves, or the path of a .gguf file")
            @org.apache.felix.service.command.Parameter(names = "--model", absentValue = "") String model,
            @org.apache.felix.service.command.Descriptor("most tokens to generate")
            @org.apache.felix.service.command.Parameter(names = "--tokens", absentValue = "256") int tokens,
            @org.apache.felix.service.command.Descriptor("0 for greedy decoding")
            @org.apache.felix.service.command.Parameter(names = "--temperature", absentValue = "0") double temperature,
            @org.apache.felix.service.command.Descriptor("nucleus sampling mass")
            @org.apache.felix.service.command.Parameter(names = "--top-p", absentValue = "1") double topP,
            @org.apache.felix.service.command.Descriptor("draw from this many most likely tokens only; 0 for no limit")
            @org.apache.felix.service.command.Parameter(names = "--top-k", absentValue = "0") int topK,
            @org.apache.felix.service.command.Descriptor("random seed for sampling")
            @org.apache.felix.service.command.Parameter(names = "--seed", absentValue = "-1") long seed,
            @org.apache.felix.service.command.Descriptor("the prompt") String... prompt) throws Exception {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("llm:generate needs a prompt, e.g. llm:generate --tokens 40 Once upon a time");
        }
        LocalBackend engine = this;
        String name = model.isEmpty() ? null : model;
        if (name != null && name.endsWith(".gguf")) {
            Path file = Path.of(name);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no model file " + file.toAbsolutePath());
            }
            engine = of(List.of(file));
            name = null;
        }
        LlmQuery q = new LlmQuery("shell", List.of(Message.user(String.join(" ", prompt))), List.of(),
                aios.kernel.api.syscall.LlmAction.CHAT, new Sampling(tokens, temperature, topP, seed < 0 ? null : seed, topK),
                name, aios.kernel.api.syscall.Scheduling.DEFAULT);
        return engine.complete(q).text();
    }

    @Override
    public LlmResult complete(LlmQuery query) throws Exception {
        try (Generation g = start(query)) {
            while (!g.finished()) {
                g.step(Integer.MAX_VALUE);
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("generation by model " + g.result().model() + " cancelled after "
                            + g.tokens() + " tokens");
                }
            }
            return g.result();
        }
    }

    @Override
    public Generation start(LlmQuery query) throws IOException {
        LocalModel model = model(query.model());
        Sampling s = query.sampling();
        long seed = s.seed() != null ? s.seed() : ThreadLocalRandom.current().nextLong();
        return LocalGeneration.start(model, query.messages(), s, seed);
    }

    /** Continues the snapshot with the sampling it was started with; {@code query} names no other model. */
    @Override
    public Generation resume(LlmQuery query, byte[] snapshot) throws IOException {
        if (query.model() != null) {
            model(query.model());
        }
        for (String name : files.keySet()) {
            model(name); // a snapshot may be of any of the models served
        }
        return LocalGeneration.resume(loaded.values(), snapshot);
    }

    private LocalModel model(String name) throws IOException {
        Map<String, Path> f = files;
        if (f.isEmpty()) {
            throw new IOException("the local LLM backend has no model: put a .gguf file in " + searched
                    + ", set " + ENV + " to a directory of them, or set model in the configuration " + PID);
        }
        String key = name == null ? f.keySet().iterator().next() : name;
        Path path = f.get(key);
        if (path == null) {
            throw new IllegalArgumentException("the local LLM backend has no model " + name + "; it serves " + f.keySet());
        }
        try {
            return loaded.computeIfAbsent(key, k -> {
                try {
                    LocalModel m = LocalModel.open(path);
                    Logger l = log;
                    if (m.chatTemplateUnrecognised() && l != null) {
                        l.warn("model {} ({}) has a chat template of no family this engine knows; its chat messages"
                                + " are given to it as plain text, one per line, which it may follow poorly: {}",
                                m.name, path, abbreviate(m.chatTemplateText));
                    }
                    return m;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String abbreviate(String s) {
        String line = s.replaceAll("\\s+", " ").strip();
        return line.length() <= 120 ? line : line.substring(0, 120) + "…";
    }
}
