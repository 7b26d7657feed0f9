package aios.tool.files;

import aios.kernel.api.Kernel;
import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;

/**
 * What the three file tools share: the agent's storage through the kernel, their limits from {@code aios.tool.files},
 * JSON in and out. The agent is always the caller's ({@link ToolInvocation#agent()}), never one named in the
 * arguments.
 */
abstract class FileTool implements ToolService {

    static final ObjectMapper JSON = new ObjectMapper();

    private final AgentStorage storage;
    private final int parallelism;
    private final Duration timeout;

    FileTool(AgentStorage storage, FilesConfig config) {
        this.storage = storage;
        this.parallelism = config.parallelism();
        this.timeout = Duration.ofMillis(config.timeout_ms());
    }

    FileTool(Kernel kernel, FilesConfig config) {
        this(AgentStorage.through(kernel), config);
    }

    AgentStorage storage() {
        return storage;
    }

    @Override
    public int parallelism() {
        return parallelism;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public final String invoke(ToolInvocation invocation) throws Exception {
        return run(invocation.agent(), JSON.readTree(invocation.arguments()));
    }

    /** Runs the tool for {@code agent} with arguments already checked against {@link #parameters()}. */
    abstract String run(String agent, JsonNode arguments) throws Exception;
}
