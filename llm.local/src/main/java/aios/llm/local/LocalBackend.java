package aios.llm.local;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Sampling;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
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
 * <p>Models, in this order: the file given with {@code ./aios --model FILE} (framework property
 * {@code aios.model}); else the file configured as {@code model} (PID {@code aios.llm.local}); else the
 * {@code .gguf} files in the directories of the {@code AIOS_MODELS} environment variable; else those in
 * {@code ./models/}. While there is none the backend is up and every LLM syscall fails at once saying where to
 * put one; the next call looks again. Each model is loaded on first use and then shared. Thread-safe:
 * generations are independent.
 */
@Component(service = {LlmBackend.class, LocalBackend.class}, configurationPid = LocalBackend.PID,
        property = LlmBackend.NAME + "=local")
@Designate(ocd = LocalBackend.Config.class)
public final class LocalBackend implements LlmBackend {

    static final String PID = "aios.llm.local";
    /** The framework property {@code ./aios --model FILE} sets: that file, before the configuration's. */
    static final String MODEL_PROPERTY = "aios.model";
    private static final String ENV = "AIOS_MODELS";

    @ObjectClassDefinition(id = PID, name = "AIOS local model engine",
            description = "Runs GGUF models (Llama architecture; F32, F16, Q8_0, Q4_0) in the kernel's process")
    public @interface Config {
        @AttributeDefinition(description = "A .gguf model file; empty: the .gguf files in the directories of the "
                + "AIOS_MODELS environment variable, else in ./models")
        String model() default "";
    }

    /** A model served: its name, file and chat template, as {@code llm:models} shows them. */
    record ModelInfo(String name, Path file, String chatTemplate) {
    }

    /** Finds the model files, the default first. */
    private interface Finder {
        List<Path> find() throws IOException;
    }

    /** Where models are looked for, and what to tell a user who finds none there. */
    private record Source(Finder finder, String none) {
    }

    private volatile Source source = new Source(List::of, "the local LLM backend is not active");
    /** Model name → file, the default first; empty until a model is found. */
    private volatile Map<String, Path> files = Map.of();
    private volatile String listingFailure;
    private final Map<String, LocalModel> loaded = new ConcurrentHashMap<>();

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    volatile Logger log;

    public LocalBackend() {
    }

    /** A backend serving these model files (the first is the default). */
    static LocalBackend of(List<Path> models) {
        LocalBackend b = new LocalBackend();
        b.source = new Source(() -> models, "the local LLM backend has no model: it was given none");
        return b;
    }

    /**
     * Finds the models. A configured file that does not exist leaves the backend up without a model, so that an
     * LLM syscall fails with an error saying what to correct rather than with "no backend".
     */
    @Activate
    void activate(BundleContext context, Config config) {
        String given = context.getProperty(MODEL_PROPERTY);
        if (given != null && !given.isBlank()) {
            configure(given, "given with --model (the framework property " + MODEL_PROPERTY + ")",
                    "start the kernel with the path of an existing .gguf file", System.getenv(ENV));
        } else {
            configure(config.model(), System.getenv(ENV));
        }
    }

    /** Looks for models in the file {@code model}, or if blank in the directories of {@code env} or ./models. */
    void configure(String model, String env) {
        configure(model, "configured as model in " + PID, "put the .gguf file there, or set model in " + PID
                + " to another file (or to nothing, for the .gguf files in the directories of " + ENV
                + ", else in ./models)", env);
    }

    private void configure(String model, String origin, String fix, String env) {
        if (!model.isBlank()) {
            Path p = Path.of(model).toAbsolutePath();
            source = new Source(() -> Files.isRegularFile(p) ? List.of(p) : List.of(), "the model file " + p
                    + " " + origin + " does not exist: " + fix);
        } else {
            boolean fromEnv = env != null && !env.isBlank();
            String dirs = fromEnv ? env : "models";
            String where = fromEnv ? env + " (" + ENV + ")" : Path.of("models").toAbsolutePath().toString();
            source = new Source(() -> scan(dirs), "the local LLM backend has no model: put a .gguf file in " + where
                    + ", set " + ENV + " to a directory of them, or set model in the configuration " + PID);
        }
        files = Map.of();
        loaded.clear();
        if (files().isEmpty()) {
            Logger l = log;
            if (l != null) {
                l.error("{}; until then every LLM syscall to it fails", none());
            }
        }
    }

    /** The models found, looking again while there are none (a model put where the error said is then served). */
    private Map<String, Path> files() {
        Map<String, Path> f = files;
        if (!f.isEmpty()) {
            return f;
        }
        Map<String, Path> found = new LinkedHashMap<>();
        try {
            source.finder.find().forEach(p -> found.putIfAbsent(LocalModel.nameOf(p), p));
            listingFailure = null;
        } catch (IOException e) {
            listingFailure = e.toString(); // an unreadable directory: no model, and the error says why
        }
        files = found.isEmpty() ? Map.of() : Collections.unmodifiableMap(found);
        return files;
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
    public List<String> models() {
        return List.copyOf(files().keySet());
    }

    /** Why {@link #models()} is empty, saying what to do; {@code null} when it is not. */
    String whyNoModel() {
        return files().isEmpty() ? none() : null;
    }

    private String none() {
        String failure = listingFailure;
        return failure == null ? source.none : source.none + " (looking there failed: " + failure + ")";
    }

    /**
     * The models served with their files and chat templates (read from the file's header, which loads no weights).
     */
    List<ModelInfo> catalogue() {
        List<ModelInfo> out = new ArrayList<>();
        files().forEach((name, path) -> {
            LocalModel m = loaded.get(name);
            String chat;
            try {
                String text = m != null ? m.chatTemplateText : LocalModel.chatTemplateOf(GgufFile.open(path));
                chat = text == null ? "none (plain)" : ChatTemplate.recognise(text, "", "")
                        .map(t -> t.format().id()).orElse("not recognised (plain)");
            } catch (IOException e) {
                chat = "unreadable: " + e.getMessage();
            }
            out.add(new ModelInfo(name, path, chat));
        });
        return out;
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
        for (String name : files().keySet()) {
            model(name); // a snapshot may be of any of the models served
        }
        return LocalGeneration.resume(loaded.values(), snapshot);
    }

    private LocalModel model(String name) throws IOException {
        Map<String, Path> f = files();
        if (f.isEmpty()) {
            throw new IOException(none());
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
