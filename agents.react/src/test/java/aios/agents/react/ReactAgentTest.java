package aios.agents.react;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.syscall.ToolSpec;
import aios.sdk.AgentSession;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ReactAgentTest {

    private static ReactConfig config(int maxSteps) {
        return new ReactConfig() {
            public Class<? extends Annotation> annotationType() {
                return ReactConfig.class;
            }

            public String model() {
                return "planner";
            }

            public int max_steps() {
                return maxSteps;
            }

            public int max_tokens() {
                return 100;
            }

            public int notes_recalled() {
                return 3;
            }
        };
    }

    /**
     * A model that calls calc on 17 * 23, then writes the value it observed to result.txt, then answers with it; tools
     * that compute only that product and write anything; a memory that recalls one note and stores the rest.
     */
    static final class Session implements AgentSession {
        final List<Syscall> asked = new ArrayList<>();
        final List<MemoryOperation.Add> notes = new ArrayList<>();
        final Function<List<Message>, LlmResult> model;

        Session(Function<List<Message>, LlmResult> model) {
            this.model = model;
        }

        public String agent() {
            return "react";
        }

        public long processId() {
            return 9;
        }

        public SyscallResult call(Syscall syscall) {
            asked.add(syscall);
            return switch (syscall) {
                case LlmQuery q -> model.apply(q.messages());
                case ToolQuery q -> new ToolResult(q.calls().stream().map(c -> switch (c.name()) {
                    case "calc" -> new ToolResult.Outcome(c.id(), "calc", true, "{\"value\":\"391\"}", null);
                    case "file_write" -> new ToolResult.Outcome(c.id(), "file_write", true, "{\"version\":1}", null);
                    default -> new ToolResult.Outcome(c.id(), c.name(), false, null, "no tool named '" + c.name() + "'");
                }).toList());
                case MemoryQuery q when q.operation() instanceof MemoryOperation.Retrieve ->
                        new MemoryResult(null, null, null, List.of(new MemoryResult.Hit("n0", "task: 2+2\nanswer: 4", Map.of(), 1)));
                case MemoryQuery q when q.operation() instanceof MemoryOperation.Add a -> {
                    notes.add(a);
                    yield new MemoryResult("n" + notes.size(), null, null, null);
                }
                default -> throw new AssertionError(syscall);
            };
        }
    }

    /** The scripted model: its move depends on how many tool results it has seen. */
    static LlmResult script(List<Message> messages) {
        List<Message> results = messages.stream().filter(m -> m.role() == Role.TOOL).toList();
        return switch (results.size()) {
            case 0 -> calls(new ToolCall(null, "calc", "{\"expression\":\"17 * 23\"}"));
            case 1 -> calls(new ToolCall("w", "file_write", "{\"path\":\"result.txt\",\"content\":\"391\"}"));
            default -> new LlmResult("17 * 23 = 391, saved in result.txt", List.of(), "stop", 1, 1, "planner");
        };
    }

    private static LlmResult calls(ToolCall... calls) {
        return new LlmResult("", List.of(calls), "tool_calls", 1, 1, "planner");
    }

    @Test
    void plansCallsToolsNotesEachObservation_andAnswersWhenTheModelAnswersWithText() {
        Session session = new Session(ReactAgentTest::script);

        String answer = new ReactAgent(config(8)).run(session, "What is 17 * 23? Write it to result.txt");

        assertEquals("17 * 23 = 391, saved in result.txt", answer);
        List<LlmQuery> plans = session.asked.stream().filter(LlmQuery.class::isInstance).map(LlmQuery.class::cast).toList();
        assertEquals(3, plans.size());
        LlmQuery first = plans.get(0);
        assertEquals(LlmAction.TOOL_CALL, first.action());
        assertEquals("planner", first.model());
        assertEquals(List.of("calc", "file_read", "file_write", "file_list"), first.tools().stream().map(ToolSpec::name).toList());
        assertTrue(first.messages().get(0).content().contains("- task: 2+2 answer: 4"), "recalled notes are shown");
        assertEquals(Message.user("What is 17 * 23? Write it to result.txt"), first.messages().get(1));
        List<Message> last = plans.get(2).messages();
        assertEquals(Message.tool("0", "{\"value\":\"391\"}"), last.get(3), "the calc result was fed back");
        assertEquals(Message.tool("w", "{\"version\":1}"), last.get(5));

        assertEquals(3, session.notes.size());
        assertEquals("task: What is 17 * 23? Write it to result.txt\nobservation: calc {\"expression\":\"17 * 23\"} gave "
                + "{\"value\":\"391\"}", session.notes.get(0).content());
        assertEquals(Map.of("kind", "observation", "tool", "calc", "process", "p9", "step", "1"),
                session.notes.get(0).metadata());
        assertEquals("file_write", session.notes.get(1).metadata().get("tool"));
        assertEquals(Map.of("kind", "answer", "process", "p9"), session.notes.get(2).metadata());
    }

    @Test
    void aModelThatNeverAnswersFailsTheProcessAfterMaxSteps() {
        Session session = new Session(m -> calls(new ToolCall(null, "calc", "{\"expression\":\"1\"}")));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ReactAgent(config(2)).run(session, "loop"));
        assertTrue(e.getMessage().startsWith("no answer within 2 steps"), e.getMessage());
        assertEquals(2, session.asked.stream().filter(ToolQuery.class::isInstance).count());
    }

    @Test
    void aModelThatGivesNothingIsNamed() {
        Session session = new Session(m -> new LlmResult("  ", List.of(), "length", 1, 1, "tiny"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ReactAgent(config(2)).run(session, "What is 1+1?"));
        assertTrue(e.getMessage().startsWith("the model gave neither tool calls nor an answer at step 1 (finish reason"
                + " 'length', model tiny)"), e.getMessage());
    }

    @Test
    void aTaskWithoutWordsRecallsNothing_andAnEmptyTaskIsRefused() {
        Session session = new Session(m -> new LlmResult("nothing to do", List.of(), "stop", 1, 1, "planner"));
        assertEquals("nothing to do", new ReactAgent(config(2)).run(session, "?!"));
        assertTrue(session.asked.stream().noneMatch(c -> c instanceof MemoryQuery q
                && q.operation() instanceof MemoryOperation.Retrieve));
        assertThrows(IllegalArgumentException.class, () -> new ReactAgent(config(2)).run(session, ""));
    }
}
