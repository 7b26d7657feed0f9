package aios.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallException;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.syscall.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What each module turns a call into, and what it makes of the answer. */
class ModulesTest {

    /** A session that answers each syscall with {@code answer} and keeps what it was asked. */
    static final class ScriptedSession implements AgentSession {
        final List<Syscall> asked = new ArrayList<>();
        private final Function<Syscall, SyscallResult> answer;

        ScriptedSession(Function<Syscall, SyscallResult> answer) {
            this.answer = answer;
        }

        public String agent() {
            return "alice";
        }

        public long processId() {
            return 7;
        }

        public SyscallResult call(Syscall syscall) {
            asked.add(syscall);
            return answer.apply(syscall);
        }
    }

    private static LlmResult text(String text) {
        return new LlmResult(text, List.of(), "stop", 1, 1, "m");
    }

    @Test
    void planningChatsAsTheSessionsAgent_withItsModelAndSampling() {
        ScriptedSession s = new ScriptedSession(c -> text("hello back"));
        Sampling sampling = new Sampling(20, 0.5, 0.9, 3L);
        assertEquals("hello back", s.planning().withModel("tiny").withSampling(sampling).chat("hello"));

        LlmQuery q = (LlmQuery) s.asked.get(0);
        assertEquals("alice", q.agent());
        assertEquals(List.of(Message.user("hello")), q.messages());
        assertEquals(LlmAction.CHAT, q.action());
        assertEquals("tiny", q.model());
        assertEquals(sampling, q.sampling());

        s.planning().withModel(" ").chat("again");
        assertEquals(null, ((LlmQuery) s.asked.get(1)).model(), "a blank model is the default one");
    }

    @Test
    void planningAsksForToolCalls_offeringTheTools() {
        ScriptedSession s = new ScriptedSession(c -> text(""));
        ToolSpec calc = new ToolSpec("calc", "arithmetic", null);
        s.planning().toolCalls(List.of(Message.user("1+2?")), List.of(calc));
        LlmQuery q = (LlmQuery) s.asked.get(0);
        assertEquals(LlmAction.TOOL_CALL, q.action());
        assertEquals(List.of(calc), q.tools());
        assertThrows(IllegalArgumentException.class, () -> s.planning().toolCalls(List.of(Message.user("x")), List.of()));
    }

    @Test
    void actionRunsAModelsToolCallsAsOneSyscall_andReturnsTheMessagesToFeedBack() {
        ScriptedSession s = new ScriptedSession(c -> new ToolResult(List.of(
                new ToolResult.Outcome("0", "calc", true, "{\"value\":\"3\"}", null),
                new ToolResult.Outcome("w", "file_write", false, null, "no tool named 'file_write' is installed"))));
        LlmResult plan = new LlmResult("thinking", List.of(new ToolCall(null, "calc", "{\"expression\":\"1+2\"}"),
                new ToolCall("w", "file_write", "{}")), "tool_calls", 1, 1, "m");

        List<Message> messages = s.action().run(plan);

        ToolQuery q = (ToolQuery) s.asked.get(0);
        assertEquals(1, s.asked.size());
        assertEquals(List.of("0", "w"), q.calls().stream().map(ToolCall::id).toList(), "a call without id gets its index");
        assertEquals(3, messages.size());
        assertEquals(Role.ASSISTANT, messages.get(0).role());
        assertEquals(q.calls(), messages.get(0).toolCalls());
        assertEquals(Message.tool("0", "{\"value\":\"3\"}"), messages.get(1));
        assertEquals(Message.tool("w", "error: no tool named 'file_write' is installed"), messages.get(2));

        IllegalArgumentException noCalls = assertThrows(IllegalArgumentException.class, () -> s.action().run(text("42")));
        assertTrue(noCalls.getMessage().contains("answered with text"), noCalls.getMessage());
    }

    @Test
    void actionCallReturnsTheOutput_andThrowsTheToolsError() {
        ScriptedSession ok = new ScriptedSession(c -> new ToolResult(List.of(new ToolResult.Outcome("0", "calc", true, "3", null))));
        assertEquals("3", ok.action().call("calc", "{\"expression\":\"1+2\"}"));
        assertEquals(new ToolCall("0", "calc", "{\"expression\":\"1+2\"}"), ((ToolQuery) ok.asked.get(0)).calls().get(0));

        ScriptedSession failing = new ScriptedSession(c -> new ToolResult(List.of(
                new ToolResult.Outcome("0", "calc", false, null, "division by zero at position 3"))));
        SyscallException e = assertThrows(SyscallException.class, () -> failing.action().call("calc", "{\"expression\":\"1/0\"}"));
        assertEquals("tool 'calc' failed: division by zero at position 3", e.getMessage());
    }

    @Test
    void memoryAndStorageMakeOneSyscallEach_andReturnWhatMatters() {
        ScriptedSession s = new ScriptedSession(c -> switch (c) {
            case MemoryQuery m when m.operation() instanceof MemoryOperation.Retrieve -> new MemoryResult(null, null, null,
                    List.of(new MemoryResult.Hit("n1", "metric units", Map.of(), 1.0)));
            case MemoryQuery m -> new MemoryResult("n1", null, null, null);
            case StorageQuery q when q.operation() instanceof StorageOperation.Read -> new StorageResult("read", "text", null, null, 0);
            case StorageQuery q when q.operation() instanceof StorageOperation.List -> new StorageResult("listed", null, List.of("a.txt"), null, 0);
            case StorageQuery q -> new StorageResult("written", null, null, null, 2);
            default -> throw new AssertionError(c);
        });
        assertEquals("n1", s.memory().add("prefers metric units", Map.of("topic", "units")));
        assertEquals(new MemoryOperation.Add("prefers metric units", Map.of("topic", "units")),
                ((MemoryQuery) s.asked.get(0)).operation());
        assertEquals("metric units", s.memory().retrieve("units", 3).get(0).content());
        assertEquals(new MemoryOperation.Retrieve("units", 3, Map.of()), ((MemoryQuery) s.asked.get(1)).operation());

        assertEquals(2, s.storage().write("notes/a.txt", "text"));
        assertEquals("text", s.storage().read("notes/a.txt"));
        assertEquals(List.of("a.txt"), s.storage().list());
        assertEquals(new StorageOperation.List(""), ((StorageQuery) s.asked.get(4)).operation());
        assertTrue(s.asked.stream().allMatch(c -> c.agent().equals("alice")));
    }

    @Test
    void anAnswerOfTheWrongKindIsAClearError() {
        ScriptedSession s = new ScriptedSession(c -> text("not a file"));
        SyscallException e = assertThrows(SyscallException.class, () -> s.storage().read("a.txt"));
        assertEquals("syscall storage.read of agent 'alice' answered a LlmResult where a StorageResult was due: the"
                + " kernel or the service that ran it is at fault", e.getMessage());
    }
}
