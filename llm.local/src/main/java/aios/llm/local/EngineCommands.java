package aios.llm.local;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.text.TextTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code llm:models} and {@code llm:generate}: the local engine from the Gogo shell, outside the kernel's queues
 * (agents go through the kernel: {@code aios:submit llm}).
 */
@Component(service = EngineCommands.class, property = {"osgi.command.scope=llm", "osgi.command.function=models",
        "osgi.command.function=generate"})
public final class EngineCommands {

    @Reference
    private LocalBackend backend;

    public EngineCommands() {
    }

    EngineCommands(LocalBackend backend) {
        this.backend = backend;
    }

    @Descriptor("list the models the local engine serves (the first is the default), or say why there is none;"
            + " and the arithmetic it runs (vector or scalar, threads)")
    public String models() {
        String why = backend.whyNoModel();
        if (why != null) {
            return why + "\n";
        }
        List<LocalBackend.ModelInfo> models = backend.catalogue();
        TextTable t = new TextTable("MODEL", "CHAT TEMPLATE", "FILE");
        models.forEach(m -> t.row(m.name(), m.chatTemplate(), m.file()));
        StringBuilder out = new StringBuilder(t.toString());
        return out.append("arithmetic: ").append(LlamaModel.defaultArithmetic()).append('\n').toString();
    }

    @Descriptor("print the continuation of a prompt, straight from the local engine")
    public String generate(
            @Descriptor("a model the engine serves, or the path of a .gguf file")
            @Parameter(names = "--model", absentValue = "") String model,
            @Descriptor("most tokens to generate") @Parameter(names = "--tokens", absentValue = "256") int tokens,
            @Descriptor("0 for greedy decoding") @Parameter(names = "--temperature", absentValue = "0") double temperature,
            @Descriptor("nucleus sampling mass") @Parameter(names = "--top-p", absentValue = "1") double topP,
            @Descriptor("draw from this many most likely tokens only; 0 for no limit")
            @Parameter(names = "--top-k", absentValue = "0") int topK,
            @Descriptor("random seed for sampling") @Parameter(names = "--seed", absentValue = "-1") long seed,
            @Descriptor("the prompt") String... prompt) throws Exception {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("llm:generate needs a prompt, e.g. llm:generate --tokens 40 Once upon a time");
        }
        LocalBackend engine = backend;
        String name = model.isEmpty() ? null : model;
        if (name != null && name.endsWith(".gguf")) {
            Path file = Path.of(name);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no model file " + file.toAbsolutePath());
            }
            engine = LocalBackend.of(List.of(file));
            name = null;
        }
        LlmQuery q = new LlmQuery("shell", List.of(Message.user(String.join(" ", prompt))), List.of(), LlmAction.CHAT,
                new Sampling(tokens, temperature, topP, seed < 0 ? null : seed, topK), name, Scheduling.DEFAULT);
        return engine.complete(q).text();
    }
}
