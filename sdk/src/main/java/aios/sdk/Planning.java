package aios.sdk;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolSpec;
import java.util.List;
import java.util.Objects;

/**
 * The planning module: LLM syscalls. Each call is one syscall on the LLM queue, and blocks until the model has
 * answered. Immutable: {@link #withModel} and {@link #withSampling} return a changed copy.
 *
 * <pre>
 * String story = session.planning().withSampling(new Sampling(200, 0.8, 0.95, null)).chat("Once upon a time");
 * LlmResult plan = session.planning().toolCalls(conversation, tools);
 * </pre>
 *
 * <p>Calls throw as {@link AgentSession#call} does.
 */
public final class Planning {

    private final AgentSession session;
    private final String model;
    private final Sampling sampling;

    /** Planning for {@code session}'s agent with the default model and sampling (256 tokens, greedy). */
    public Planning(AgentSession session) {
        this(session, null, Sampling.DEFAULT);
    }

    private Planning(AgentSession session, String model, Sampling sampling) {
        this.session = Objects.requireNonNull(session, "session");
        this.model = model;
        this.sampling = sampling;
    }

    /** The same, asking {@code model} ({@code null} or blank: the default backend's default model). */
    public Planning withModel(String model) {
        return new Planning(session, model == null || model.isBlank() ? null : model, sampling);
    }

    /** The same, with these token limits and sampling. */
    public Planning withSampling(Sampling sampling) {
        return new Planning(session, model, Objects.requireNonNull(sampling, "sampling"));
    }

    /** The model asked, {@code null} for the default. */
    public String model() {
        return model;
    }

    public Sampling sampling() {
        return sampling;
    }

    /** Sends {@code prompt} as one user message and returns the model's text. */
    public String chat(String prompt) {
        return complete(List.of(Message.user(prompt))).text();
    }

    /** The model's answer to a conversation (free text). */
    public LlmResult complete(List<Message> messages) {
        return ask(messages, List.of(), LlmAction.CHAT);
    }

    /**
     * Asks the model to plan tool calls: it answers with calls chosen from {@code tools} ({@link LlmResult#toolCalls()},
     * which {@link Action#run(LlmResult)} executes), or, when it needs no tool, with text and no calls.
     *
     * @throws IllegalArgumentException if {@code tools} is empty
     */
    public LlmResult toolCalls(List<Message> messages, List<ToolSpec> tools) {
        return ask(messages, tools, LlmAction.TOOL_CALL);
    }

    /** The model's answer to a conversation as a JSON document (the text of the result). */
    public LlmResult json(List<Message> messages) {
        return ask(messages, List.of(), LlmAction.JSON);
    }

    private LlmResult ask(List<Message> messages, List<ToolSpec> tools, LlmAction action) {
        LlmQuery query = new LlmQuery(session.agent(), messages, tools, action, sampling, model, Scheduling.DEFAULT);
        return Results.call(session, query, LlmResult.class);
    }
}
