package aios.kernel.api.syscall;

import java.util.List;

/**
 * A model's answer.
 *
 * @param text the generated text
 * @param toolCalls the tool calls the model asked for (tool-call action), otherwise empty
 * @param finishReason why generation stopped: {@code stop}, {@code length}, {@code tool_calls}
 * @param promptTokens tokens read
 * @param completionTokens tokens generated
 * @param model the model that answered
 */
public record LlmResult(String text, List<ToolCall> toolCalls, String finishReason, int promptTokens,
                        int completionTokens, String model) implements SyscallResult {
    public LlmResult {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }
}
