package aios.kernel.api.syscall;

/**
 * A request from an agent to the kernel. The family is closed: the kernel handles each kind with a
 * pattern {@code switch}, and adding a kind is a change to this API.
 *
 * <p>Instances are immutable records; the kernel may hold them after {@code submit} returns.
 */
public sealed interface Syscall permits LlmQuery, MemoryQuery, StorageQuery, ToolQuery {

    /** The agent on whose behalf the syscall runs; it must be registered with the kernel. */
    String agent();

    /** Priority, deadline and cost hint. */
    Scheduling scheduling();

    /** The resource whose queue serves this syscall. */
    default Resource resource() {
        return switch (this) {
            case LlmQuery q -> Resource.LLM;
            case MemoryQuery q -> Resource.MEMORY;
            case StorageQuery q -> Resource.STORAGE;
            case ToolQuery q -> Resource.TOOL;
        };
    }

    /** A short name of the operation for history and events, such as {@code llm.chat} or {@code storage.write}. */
    default String kind() {
        return switch (this) {
            case LlmQuery q -> "llm." + q.action().id();
            case MemoryQuery q -> "memory." + q.operation().name();
            case StorageQuery q -> "storage." + q.operation().name();
            case ToolQuery q -> "tool.call";
        };
    }

    /** Checks the fields every syscall shares. */
    static void requireAgent(String agent) {
        if (agent == null || agent.isBlank()) {
            throw new IllegalArgumentException("a syscall needs the name of the agent it runs for");
        }
    }
}
