package aios.kernel.api.syscall;

import java.util.List;
import java.util.Objects;

/**
 * One chat message.
 *
 * @param role who speaks
 * @param content the text (may be empty for an assistant message that only calls tools)
 * @param toolCalls the tool calls an assistant message asks for; empty otherwise
 * @param toolCallId for a {@link Role#TOOL} message, the id of the call it answers; {@code null} otherwise
 */
public record Message(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {

    public Message {
        Objects.requireNonNull(role, "a message needs a role");
        content = content == null ? "" : content;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, List.of(), null);
    }

    public static Message user(String content) {
        return new Message(Role.USER, content, List.of(), null);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content, List.of(), null);
    }

    public static Message tool(String toolCallId, String content) {
        return new Message(Role.TOOL, content, List.of(), toolCallId);
    }
}
