package aios.kernel.api.syscall;

import java.util.List;
import java.util.Objects;

/**
 * Ask a model for a completion.
 *
 * @param agent the calling agent
 * @param messages the conversation so far, at least one message
 * @param tools the tools the model may call (empty for none)
 * @param action chat, JSON output or tool-call output
 * @param sampling token limits and sampling
 * @param model the model to use, or {@code null} for the default backend's default model
 * @param scheduling priority, deadline, cost hint
 */
public record LlmQuery(String agent, List<Message> messages, List<ToolSpec> tools, LlmAction action,
                       Sampling sampling, String model, Scheduling scheduling) implements Syscall {

    public LlmQuery {
        Syscall.requireAgent(agent);
        if (messages == null || messages.isEmpty()) {
            throw new IllegalArgumentException("an LLM query needs at least one message");
        }
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        action = Objects.requireNonNullElse(action, LlmAction.CHAT);
        sampling = Objects.requireNonNullElse(sampling, Sampling.DEFAULT);
        scheduling = Objects.requireNonNullElse(scheduling, Scheduling.DEFAULT);
        if (action == LlmAction.TOOL_CALL && tools.isEmpty()) {
            throw new IllegalArgumentException("an LLM query asking for tool calls must offer at least one tool");
        }
    }

    /** A one-message chat with default sampling. */
    public static LlmQuery chat(String agent, String prompt) {
        return new LlmQuery(agent, List.of(Message.user(prompt)), List.of(), LlmAction.CHAT, Sampling.DEFAULT,
                null, Scheduling.DEFAULT);
    }

    public LlmQuery withScheduling(Scheduling s) {
        return new LlmQuery(agent, messages, tools, action, sampling, model, s);
    }

    public LlmQuery withSampling(Sampling s) {
        return new LlmQuery(agent, messages, tools, action, s, model, scheduling);
    }
}
