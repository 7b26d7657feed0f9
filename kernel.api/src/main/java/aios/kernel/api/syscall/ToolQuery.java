package aios.kernel.api.syscall;

import java.util.List;
import java.util.Objects;

/** Run one or more tool calls; they run in order, and the result has one outcome per call. */
public record ToolQuery(String agent, List<ToolCall> calls, Scheduling scheduling) implements Syscall {

    public ToolQuery {
        Syscall.requireAgent(agent);
        if (calls == null || calls.isEmpty()) {
            throw new IllegalArgumentException("a tool query needs at least one tool call");
        }
        calls = List.copyOf(calls);
        scheduling = Objects.requireNonNullElse(scheduling, Scheduling.DEFAULT);
    }

    public ToolQuery(String agent, ToolCall call) {
        this(agent, List.of(call), Scheduling.DEFAULT);
    }
}
