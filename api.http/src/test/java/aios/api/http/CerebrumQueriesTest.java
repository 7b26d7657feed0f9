package aios.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Cerebrum's query_data as the SDK sends it (model_dump() with its defaults), read into kernel syscalls. */
class CerebrumQueriesTest {

    private static final Function<String, String> DEFAULT_MODEL = name -> null;

    private static ObjectNode json(String text) {
        return Json.object(text.getBytes());
    }

    private static ApiException refused(String type, String data) {
        return assertThrows(ApiException.class, () -> CerebrumQueries.plan("a", type, json(data), DEFAULT_MODEL));
    }

    @Test
    void anLlmChatWithTheSdksDefaults() {
        LlmQuery q = CerebrumQueries.llm("a", json("""
                {"query_class": "llm", "llms": [{"name": "gpt-4o-mini", "backend": "openai"}],
                 "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
                 "tools": null, "action_type": "chat", "temperature": 1.0, "max_new_tokens": 1000,
                 "message_return_type": "text", "response_format": null}"""), DEFAULT_MODEL);
        assertEquals(LlmAction.CHAT, q.action());
        assertEquals(List.of(Role.SYSTEM, Role.USER), q.messages().stream().map(m -> m.role()).toList());
        assertEquals(1000, q.sampling().maxTokens());
        assertEquals(1.0, q.sampling().temperature());
        assertNull(q.model(), "a model nobody serves runs on the default");
    }

    @Test
    void toolCallOutputOffersTheTools_inCerebrumsAndOpenAisForm() {
        LlmQuery q = CerebrumQueries.llm("a", json("""
                {"messages": [{"role": "user", "content": "17*23?"},
                              {"role": "assistant", "content": null, "tool_calls": [{"name": "calc",
                               "parameters": {"expression": "17*23"}}]},
                              {"role": "tool", "content": "391", "tool_call_id": "c1"}],
                 "tools": [{"name": "calc", "description": "arithmetic", "parameters": {"type": "object"}},
                           {"type": "function", "function": {"name": "file_read", "parameters": {"type": "object"}}}],
                 "action_type": "chat_with_tool_call_output"}"""), DEFAULT_MODEL);
        assertEquals(LlmAction.TOOL_CALL, q.action());
        assertEquals(List.of("calc", "file_read"), q.tools().stream().map(t -> t.name()).toList());
        assertEquals(new ToolCall(null, "calc", "{\"expression\":\"17*23\"}"), q.messages().get(1).toolCalls().get(0));
        assertEquals("c1", q.messages().get(2).toolCallId());
    }

    @Test
    void jsonOutputIsAskedForByActionOrReturnType() {
        assertEquals(LlmAction.JSON, CerebrumQueries.llm("a", json("""
                {"messages": [{"role": "user", "content": "x"}], "action_type": "chat_with_json_output"}"""),
                DEFAULT_MODEL).action());
        assertEquals(LlmAction.JSON, CerebrumQueries.llm("a", json("""
                {"messages": [{"role": "user", "content": "x"}], "message_return_type": "json"}"""),
                DEFAULT_MODEL).action());
    }

    @Test
    void badLlmQueriesAreRefusedNamingTheField() {
        assertEquals("query_data.messages is empty: give at least one item",
                refused("llm", "{\"messages\": []}").getMessage());
        assertEquals("query_data.messages[0].content must be a string, not a number",
                refused("llm", "{\"messages\": [{\"role\": \"user\", \"content\": 5}]}").getMessage());
        assertTrue(refused("llm", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"action_type\": \"operate_file\"}").getMessage().contains("not supported"));
        assertTrue(refused("llm", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}],"
                + " \"action_type\": \"call_tool\"}").getMessage().contains("offer at least one tool"));
        assertEquals("query_data.max_new_tokens is 0: give a whole number from 1 to 1048576",
                refused("llm", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"max_new_tokens\": 0}")
                        .getMessage());
    }

    @Test
    void memoryOperations() {
        var add = (CerebrumQueries.Plan.Single) CerebrumQueries.memory("a", json("""
                {"operation_type": "add_memory", "params": {"content": "c", "metadata": {"tags": ["x", "y"], "p": "high"}}}"""));
        assertEquals(new MemoryQuery("a", new MemoryOperation.Add("c", Map.of("tags", "[\"x\",\"y\"]", "p", "high"))),
                add.syscall());
        var search = (CerebrumQueries.Plan.Single) CerebrumQueries.memory("a", json("""
                {"operation_type": "retrieve_memory", "params": {"content": "whale", "k": 3}}"""));
        assertEquals(3, ((MemoryOperation.Retrieve) ((MemoryQuery) search.syscall()).operation()).k());
        // an update that leaves metadata out keeps the note's: the plan reads it first
        assertInstanceOf(CerebrumQueries.Plan.UpdateMemory.class, CerebrumQueries.memory("a", json("""
                {"operation_type": "update_memory", "params": {"memory_id": "7", "content": "new"}}""")));
        assertInstanceOf(CerebrumQueries.Plan.Single.class, CerebrumQueries.memory("a", json("""
                {"operation_type": "update_memory", "params": {"memory_id": "7", "content": "new", "metadata": {}}}""")));
        assertTrue(refused("memory", "{\"operation_type\": \"forget\"}").getMessage().contains("add_memory"));
        assertEquals("query_data.params.memory_id is missing: give a string",
                refused("memory", "{\"operation_type\": \"get_memory\", \"params\": {}}").getMessage());
    }

    @Test
    void storageOperations_andPathsThatLeaveTheAgentsStorage() {
        assertEquals(new StorageQuery("a", new StorageOperation.Write("n/t.txt", "x")), CerebrumQueries.storage("a",
                json("{\"operation_type\": \"write\", \"params\": {\"file_path\": \"n/t.txt\", \"content\": \"x\"}}")));
        assertEquals(new StorageOperation.Retrieve("python code function class", 5), CerebrumQueries.storage("a",
                json("{\"operation_type\": \"retrieve\", \"params\": {\"query_text\": \"python code\", \"n\": 5,"
                        + " \"keywords\": [\"function\", \"class\"]}}")).operation());
        assertEquals(new StorageOperation.Rollback("f", 2, null), CerebrumQueries.storage("a", json(
                "{\"operation_type\": \"rollback\", \"params\": {\"file_path\": \"f\", \"n\": 2}}")).operation());
        for (String bad : List.of("../x", "a/../../b", "..", "a\\\\..\\\\b")) {
            ApiException e = refused("storage", "{\"operation_type\": \"create_file\", \"params\": {\"file_path\": \""
                    + bad + "\"}}");
            assertTrue(e.getMessage().contains("'..'"), e.getMessage());
        }
        assertTrue(refused("storage", "{\"operation_type\": \"share\", \"params\": {\"file_path\": \"x\"}}")
                .getMessage().contains("/shared"));
    }

    @Test
    void toolCalls() {
        ToolQuery q = CerebrumQueries.tool("a", json("""
                {"tool_calls": [{"name": "calc", "parameters": {"expression": "1+1"}},
                                {"id": "c2", "function": {"name": "calc", "arguments": "{\\"expression\\": \\"2\\"}"}}]}"""));
        assertEquals(List.of(new ToolCall(null, "calc", "{\"expression\":\"1+1\"}"),
                new ToolCall("c2", "calc", "{\"expression\": \"2\"}")), q.calls());
        assertEquals("query_data.tool_calls[0].parameters must be an object (or its JSON text), not a number",
                refused("tool", "{\"tool_calls\": [{\"name\": \"calc\", \"parameters\": 5}]}").getMessage());
    }

    @Test
    void anLlmResultWithToolCalls_inCerebrumsShape() {
        Map<String, Object> r = CerebrumResponses.success(LlmQuery.chat("a", "x"), new LlmResult("",
                List.of(new ToolCall("c1", "calc", "{\"expression\":\"1\"}")), "tool_calls", 3, 4, "m"));
        assertNull(r.get("response_message"));
        assertEquals("[{name=calc, parameters={\"expression\":\"1\"}, id=c1}]", r.get("tool_calls").toString());
        assertEquals(true, r.get("finished"));
        assertEquals(200, r.get("status_code"));
    }

    @Test
    void strictJson() {
        assertEquals("the request body is empty: send a JSON object",
                assertThrows(ApiException.class, () -> Json.object(new byte[0])).getMessage());
        assertTrue(assertThrows(ApiException.class, () -> Json.object("{\"a\": 1, \"a\": 2}".getBytes()))
                .getMessage().contains("Duplicate field"));
        assertTrue(assertThrows(ApiException.class, () -> Json.object("{} {}".getBytes())).getMessage()
                .contains("not valid JSON"));
        String deep = "{\"a\": " + "[".repeat(100) + "]".repeat(100) + "}";
        assertTrue(assertThrows(ApiException.class, () -> Json.object(deep.getBytes())).getMessage()
                .contains("not valid JSON"));
        Map<String, Object> metadata = Json.metadataOut(Map.of("tags", "[\"x\"]", "p", "high", "q", "[not json"));
        assertEquals("[\"x\"]", metadata.get("tags").toString(), "an array written as JSON comes back as one");
        assertEquals("high", metadata.get("p"));
        assertEquals("[not json", metadata.get("q"));
    }
}
