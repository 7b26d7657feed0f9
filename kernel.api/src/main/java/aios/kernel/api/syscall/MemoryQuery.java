package aios.kernel.api.syscall;

import java.util.Objects;

/** Read or change the calling agent's memory. */
public record MemoryQuery(String agent, MemoryOperation operation, Scheduling scheduling) implements Syscall {

    public MemoryQuery {
        Syscall.requireAgent(agent);
        Objects.requireNonNull(operation, "a memory query needs an operation");
        scheduling = Objects.requireNonNullElse(scheduling, Scheduling.DEFAULT);
    }

    public MemoryQuery(String agent, MemoryOperation operation) {
        this(agent, operation, Scheduling.DEFAULT);
    }
}
