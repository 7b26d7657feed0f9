package aios.kernel.api.context;

import aios.kernel.api.syscall.Message;
import java.util.List;

/**
 * An agent's context as the context manager holds it now.
 *
 * @param agent the agent's name
 * @param conversation the messages of its latest LLM syscall followed by the model's answer
 * @param usage what it has used
 * @param limits the limits in force for it
 * @param snapshots its saved snapshots, oldest first
 */
public record AgentContext(String agent, List<Message> conversation, ResourceUsage usage, ResourceLimits limits,
                           List<ContextSnapshot> snapshots) {

    public AgentContext {
        conversation = List.copyOf(conversation);
        snapshots = List.copyOf(snapshots);
    }
}
