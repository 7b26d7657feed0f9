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

    /**
     * The tool calls a model asked for, as a tool syscall of {@code agent}: they run exactly as calls an agent makes
     * itself (access check, schema check, limits, timeouts), in the model's order. Feed the outcomes back to the
     * model with {@link ToolResult#messages()}.
     *
     * @param result the answer of an LLM syscall with {@link LlmAction#TOOL_CALL} (its {@link LlmResult#toolCalls()})
     * @throws IllegalArgumentException if the result has no tool calls (the model answered with text instead)
     * @since 1.3
     */
    public static ToolQuery of(String agent, LlmResult result) {
        Objects.requireNonNull(result, "result is null: pass the LlmResult whose tool calls should run");
        if (result.toolCalls().isEmpty()) {
            throw new IllegalArgumentException("the model's answer has no tool calls (finish reason '"
                    + result.finishReason() + "'): it answered with text; ask with LlmAction.TOOL_CALL and offer tools");
        }
        return new ToolQuery(agent, result.toolCalls(), Scheduling.DEFAULT);
    }
}
