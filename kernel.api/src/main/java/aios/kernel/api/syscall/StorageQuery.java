package aios.kernel.api.syscall;

import java.util.Objects;

/** Read or change files in the calling agent's storage namespace. */
public record StorageQuery(String agent, StorageOperation operation, Scheduling scheduling) implements Syscall {

    public StorageQuery {
        Syscall.requireAgent(agent);
        Objects.requireNonNull(operation, "a storage query needs an operation");
        scheduling = Objects.requireNonNullElse(scheduling, Scheduling.DEFAULT);
    }

    public StorageQuery(String agent, StorageOperation operation) {
        this(agent, operation, Scheduling.DEFAULT);
    }
}
