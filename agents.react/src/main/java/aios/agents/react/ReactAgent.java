package aios.agents.react;

import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.ToolCall;
import aios.sdk.Agent;
import aios.sdk.AgentSession;
import aios.sdk.Planning;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The agent {@code react}: a ReAct loop. It recalls notes of earlier runs that match the task, then, step by step,
 * asks the model for tool calls ({@link Tools}: calc and the file tools), executes them through the Action module,
 * keeps a memory note of each observation, and feeds the results back — until the model answers with text instead of
 * tool calls, which is the process's result, or {@code max.steps} steps have passed, which fails the process.
 *
 * <p>It needs a model that follows instructions and produces tool calls (the tiny local model does not): it asks
 * whatever backend serves the configured {@code model}, by default the default backend.
 */
@Component(service = Agent.class, configurationPid = ReactAgent.PID)
@Designate(ocd = ReactConfig.class)
public final class ReactAgent implements Agent {

    static final String PID = "aios.agents.react";
    static final String INSTRUCTIONS = """
            You solve the user's task step by step. In each step, either call one or more of the offered tools, or, \
            when you know the answer, reply with the final answer as plain text and call no tool. Use calc for any \
            arithmetic, and file_read, file_write and file_list for your files. Each tool's result comes back to you \
            as a tool message; a result that starts with "error:" says what went wrong.""";
    /** Longest observation kept in a memory note; longer tool outputs are cut there. */
    static final int NOTE_OUTPUT_CHARS = 2_000;

    private volatile ReactConfig config;

    @Activate
    public ReactAgent(ReactConfig config) {
        this.config = config;
    }

    @Modified
    void modified(ReactConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "react";
    }

    @Override
    public String description() {
        return "ReAct loop: plans with the configured chat model, calls calc and the file tools, notes what it "
                + "observed in memory, and answers (needs a model that follows instructions)";
    }

    @Override
    public String run(AgentSession session, String input) {
        ReactConfig c = config;
        String task = input.strip();
        if (task.isEmpty()) {
            throw new IllegalArgumentException("the react agent needs a task as input, such as: aios:run react "
                    + "What is 17 * 23? Write the result to result.txt");
        }
        List<Message> conversation = new ArrayList<>();
        conversation.add(Message.system(INSTRUCTIONS + recalled(session, task, c.notes_recalled())));
        conversation.add(Message.user(task));
        Planning planning = session.planning().withModel(c.model())
                .withSampling(new Sampling(c.max_tokens(), 0.0, 1.0, null));
        String process = "p" + session.processId();
        for (int step = 1; step <= c.max_steps(); step++) {
            LlmResult plan = planning.toolCalls(conversation, Tools.ALL);
            if (plan.toolCalls().isEmpty()) {
                String answer = plan.text().strip();
                if (answer.isEmpty()) {
                    throw new IllegalStateException("the model gave neither tool calls nor an answer at step " + step
                            + " (finish reason '" + plan.finishReason() + "', model " + plan.model() + "): use a "
                            + "model that follows instructions (model in " + PID + ")");
                }
                session.memory().add("task: " + task + "\nanswer: " + answer,
                        Map.of("kind", "answer", "process", process));
                return answer;
            }
            List<Message> turn = session.action().run(plan);
            conversation.addAll(turn);
            note(session, task, process, step, turn);
        }
        throw new IllegalStateException("no answer within " + c.max_steps() + " steps: the model kept calling tools; "
                + "raise max.steps in " + PID + ", or use a model that answers once it knows");
    }

    /** A memory note per tool call of a step: the call and what it gave. */
    private static void note(AgentSession session, String task, String process, int step, List<Message> turn) {
        Map<String, ToolCall> calls = new HashMap<>();
        turn.get(0).toolCalls().forEach(call -> calls.put(call.id(), call));
        for (Message m : turn) {
            if (m.role() != Role.TOOL) {
                continue;
            }
            ToolCall call = calls.get(m.toolCallId());
            String tool = call == null ? "tool" : call.name();
            String output = m.content().length() > NOTE_OUTPUT_CHARS
                    ? m.content().substring(0, NOTE_OUTPUT_CHARS) + "…" : m.content();
            session.memory().add("task: " + task + "\nobservation: " + tool + " " + (call == null ? "" : call.arguments())
                    + " gave " + output, Map.of("kind", "observation", "tool", tool, "process", process,
                    "step", String.valueOf(step)));
        }
    }

    /** Notes of earlier runs that match the task, as a paragraph for the instructions ("" when none). */
    private static String recalled(AgentSession session, String task, int k) {
        if (k < 1 || task.codePoints().noneMatch(Character::isLetterOrDigit)) {
            return ""; // nothing a full-text search could match
        }
        List<MemoryResult.Hit> hits = session.memory().retrieve(task, k);
        if (hits.isEmpty()) {
            return "";
        }
        return "\n\nNotes from your earlier runs, which may help:\n" + hits.stream()
                .map(h -> "- " + h.content().replace('\n', ' ')).collect(Collectors.joining("\n"));
    }
}
