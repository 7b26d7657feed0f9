package aios.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request body, field by field as OpenAI's API reference for POST /chat/completions writes it. */
class ChatRequestTest {

    static final ToolSpec CALC = new ToolSpec("calc", "Exact arithmetic", """
            {"type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}""");

    /** Compares JSON trees (key order and number classes aside). */
    static void assertJson(String expected, JsonNode actual) throws Exception {
        assertEquals(ChatRequest.JSON.readTree(expected), ChatRequest.JSON.readTree(actual.toString()),
                () -> "got " + actual.toPrettyString());
    }

    @Test
    void aToolCallingConversationWithEveryRole() throws Exception {
        List<Message> conversation = List.of(
                Message.system("You solve tasks."),
                Message.user("What is 17 * 23?"),
                new Message(Role.ASSISTANT, "", List.of(new ToolCall("call_1", "calc", "{\"expression\":\"17 * 23\"}")),
                        null),
                Message.tool("call_1", "{\"value\":\"391\"}"),
                Message.assistant("Let me check."));
        LlmQuery q = new LlmQuery("alice", conversation, List.of(CALC), LlmAction.TOOL_CALL,
                new Sampling(512, 0.0, 1.0, null), "gpt-4o-mini", Scheduling.DEFAULT);

        assertJson("""
                {"model": "gpt-4o-mini",
                 "messages": [
                   {"role": "system", "content": "You solve tasks."},
                   {"role": "user", "content": "What is 17 * 23?"},
                   {"role": "assistant", "content": null, "tool_calls": [
                     {"id": "call_1", "type": "function",
                      "function": {"name": "calc", "arguments": "{\\"expression\\":\\"17 * 23\\"}"}}]},
                   {"role": "tool", "tool_call_id": "call_1", "content": "{\\"value\\":\\"391\\"}"},
                   {"role": "assistant", "content": "Let me check."}],
                 "tools": [{"type": "function", "function": {"name": "calc", "description": "Exact arithmetic",
                   "parameters": {"type": "object", "properties": {"expression": {"type": "string"}},
                                  "required": ["expression"]}}}],
                 "tool_choice": "auto",
                 "max_tokens": 512, "temperature": 0.0, "top_p": 1.0}""",
                ChatRequest.of(q, "gpt-4o-mini", false, "max_tokens"));
    }

    @Test
    void streamedJsonWithSeedTopKAndTheNewerTokenLimitField() throws Exception {
        LlmQuery q = new LlmQuery("alice", List.of(Message.user("Answer in JSON: the capital of France")), List.of(),
                LlmAction.JSON, new Sampling(64, 0.7, 0.9, 42L, 40), null, Scheduling.DEFAULT);

        assertJson("""
                {"model": "m", "messages": [{"role": "user", "content": "Answer in JSON: the capital of France"}],
                 "response_format": {"type": "json_object"},
                 "max_completion_tokens": 64, "temperature": 0.7, "top_p": 0.9, "top_k": 40, "seed": 42,
                 "stream": true, "stream_options": {"include_usage": true}}""",
                ChatRequest.of(q, "m", true, "max_completion_tokens"));
    }

    @Test
    void aChatThatOffersToolsTellsTheModelNotToCallThem_andAnAssistantTurnWithTextAndCallsKeepsBoth() throws Exception {
        LlmQuery q = new LlmQuery("alice", List.of(Message.user("hi"),
                new Message(Role.ASSISTANT, "Computing.", List.of(new ToolCall(null, "calc", "{}")), null),
                Message.tool("0", "1")), List.of(new ToolSpec("calc", "", null)), LlmAction.CHAT, Sampling.DEFAULT, null,
                Scheduling.DEFAULT);
        JsonNode body = ChatRequest.of(q, "m", false, "max_tokens");

        assertEquals("none", body.get("tool_choice").asText());
        assertJson("""
                {"role": "assistant", "content": "Computing.", "tool_calls": [
                  {"id": "0", "type": "function", "function": {"name": "calc", "arguments": "{}"}}]}""",
                body.get("messages").get(1));
        assertJson("{\"type\": \"function\", \"function\": {\"name\": \"calc\", \"parameters\": {\"type\": \"object\"}}}",
                body.get("tools").get(0));
        assertFalse(body.has("stream"));
        assertFalse(body.has("seed"));
        assertFalse(body.has("top_k"));
    }

    @Test
    void aToolMessageWithoutTheIdOfItsCallAndASchemaThatIsNotJsonAreRefusedNamingThem() {
        LlmQuery orphan = new LlmQuery("alice", List.of(Message.user("hi"), new Message(Role.TOOL, "1", List.of(), null)),
                List.of(), LlmAction.CHAT, Sampling.DEFAULT, null, Scheduling.DEFAULT);
        assertEquals("message 2 is a tool message without the id of the tool call it answers: OpenAI-compatible servers"
                + " need tool_call_id (give the assistant's tool calls ids, and each tool message the id of its call)",
                assertThrows(IllegalArgumentException.class, () -> ChatRequest.of(orphan, "m", false, "max_tokens"))
                        .getMessage());

        LlmQuery badSchema = new LlmQuery("alice", List.of(Message.user("hi")),
                List.of(new ToolSpec("calc", "", "{\"type\": ")), LlmAction.TOOL_CALL, Sampling.DEFAULT, null,
                Scheduling.DEFAULT);
        String message = assertThrows(IllegalArgumentException.class,
                () -> ChatRequest.of(badSchema, "m", false, "max_tokens")).getMessage();
        assertEquals(true, message.startsWith("the parameter schema of tool 'calc' is not JSON: "), message);
    }
}
