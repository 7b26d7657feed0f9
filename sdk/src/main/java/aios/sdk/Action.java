package aios.sdk;

import aios.kernel.api.SyscallException;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The action module: tool syscalls. Each call is one syscall on the tool queue (the access policy decides which tools
 * the agent may call), and blocks until the tools have answered.
 *
 * <pre>
 * String sum = session.action().call("calc", "{\"expression\": \"1+2\"}");
 *
 * LlmResult plan = session.planning().toolCalls(conversation, tools);
 * conversation.addAll(session.action().run(plan));    // the calls' results, for the model's next turn
 * </pre>
 */
public final class Action {

    private final AgentSession session;

    public Action(AgentSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /**
     * Calls one tool and returns its output.
     *
     * @param arguments the arguments as a JSON object text ({@code null} or blank: none)
     * @throws SyscallException if the tool failed or does not exist (the message names the tool and says why), or as
     *     {@link AgentSession#call}
     */
    public String call(String tool, String arguments) {
        ToolResult.Outcome outcome = execute(List.of(new ToolCall("0", tool, arguments))).outcomes().get(0);
        if (!outcome.ok()) {
            throw new SyscallException(outcome.error() != null && outcome.error().contains(tool) ? outcome.error()
                    : "tool '" + tool + "' failed: " + outcome.error());
        }
        return outcome.output();
    }

    /**
     * Runs tool calls as one syscall, in order, and returns one outcome per call; a call that fails is an outcome with
     * its error, not an exception.
     *
     * @throws IllegalArgumentException if {@code calls} is empty
     */
    public ToolResult execute(List<ToolCall> calls) {
        return Results.call(session, new ToolQuery(session.agent(), calls, Scheduling.DEFAULT), ToolResult.class);
    }

    /**
     * Executes the tool calls a model planned ({@link Planning#toolCalls}) as one syscall, and returns the messages
     * that continue the conversation: the model's turn with its calls, then one {@link Role#TOOL} message per call
     * with its output, or {@code error: } and why it failed. Calls the model gave no id get their index as id, in both.
     *
     * @throws IllegalArgumentException if the answer has no tool calls (the model answered with text)
     */
    public List<Message> run(LlmResult answer) {
        Objects.requireNonNull(answer, "answer");
        if (answer.toolCalls().isEmpty()) {
            throw new IllegalArgumentException("the model's answer has no tool calls (finish reason '"
                    + answer.finishReason() + "'): it answered with text, which is the answer to use");
        }
        List<ToolCall> calls = new ArrayList<>();
        for (ToolCall c : answer.toolCalls()) {
            calls.add(c.id() == null ? new ToolCall(String.valueOf(calls.size()), c.name(), c.arguments()) : c);
        }
        ToolResult result = execute(calls);
        List<Message> messages = new ArrayList<>();
        messages.add(new Message(Role.ASSISTANT, answer.text(), calls, null));
        messages.addAll(result.messages());
        return messages;
    }
}
