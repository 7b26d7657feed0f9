package aios.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.ToolCall;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers as OpenAI's API reference writes them: a chat completion, and the chunks of a streamed one. */
class ChatAnswerTest {

    static final URI FROM = URI.create("http://127.0.0.1:8080/v1/chat/completions");

    private static LlmResult completion(String json) throws IOException {
        return ChatAnswer.of(ChatRequest.JSON.readTree(json), "m", FROM);
    }

    @Test
    void aCompletionWithText() throws Exception {
        LlmResult r = completion("""
                {"id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "gpt-4o-mini-2024-07-18",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there.", "refusal": null},
                              "logprobs": null, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 19, "completion_tokens": 3, "total_tokens": 22}}""");
        assertEquals(new LlmResult("Hello there.", List.of(), "stop", 19, 3, "m"), r);
    }

    @Test
    void aCompletionWithToolCallsAndNoContent() throws Exception {
        LlmResult r = completion("""
                {"id": "chatcmpl-2", "object": "chat.completion", "created": 1, "model": "m",
                 "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {"role": "assistant", "content": null,
                   "tool_calls": [
                     {"id": "call_a", "type": "function", "function": {"name": "calc", "arguments": "{\\"expression\\": \\"2+2\\"}"}},
                     {"id": "call_b", "type": "function", "function": {"name": "file_list", "arguments": "{}"}}]}}],
                 "usage": {"prompt_tokens": 80, "completion_tokens": 20, "total_tokens": 100}}""");
        assertEquals(new LlmResult("", List.of(new ToolCall("call_a", "calc", "{\"expression\": \"2+2\"}"),
                new ToolCall("call_b", "file_list", "{}")), "tool_calls", 80, 20, "m"), r);
    }

    @Test
    void streamedChunksMakeTheSameAnswer_textAndToolCallArgumentsInPieces() throws Exception {
        ChatAnswer a = new ChatAnswer("m", FROM);
        int parts = 0;
        for (String chunk : List.of(
                "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}",
                "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Let me\"},\"finish_reason\":null}]}",
                "{\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" compute.\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_x\",\"type\":\"function\",\"function\":{\"name\":\"calc\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"expr\"}}]},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ession\\\":\\\"17*23\\\"}\"}}]},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":12,\"total_tokens\":62}}")) {
            parts += a.add(ChatRequest.JSON.readTree(chunk));
        }
        assertEquals(5, parts);
        assertEquals(new LlmResult("Let me compute.", List.of(new ToolCall("call_x", "calc", "{\"expression\":\"17*23\"}")),
                "tool_calls", 50, 12, "m"), a.result());
    }

    @Test
    void withoutUsageTheStreamedPartsCount() throws Exception {
        ChatAnswer a = new ChatAnswer("m", FROM);
        a.add(ChatRequest.JSON.readTree("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}"));
        a.add(ChatRequest.JSON.readTree("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"b\"},\"finish_reason\":\"length\"}]}"));
        assertEquals(new LlmResult("ab", List.of(), "length", 0, 2, "m"), a.result());
    }

    @Test
    void anErrorChunkAndAnAnswerThatIsNoChatCompletionSayWhatCame() throws Exception {
        ChatAnswer a = new ChatAnswer("m", FROM);
        assertEquals("the server at " + FROM + " broke off its answer for model 'm' with an error: the model crashed "
                + "(server_error)", assertThrows(IOException.class, () -> a.add(ChatRequest.JSON.readTree(
                "{\"error\":{\"message\":\"the model crashed\",\"type\":\"server_error\",\"code\":null}}"))).getMessage());
        assertEquals("the answer of " + FROM + " for model 'm' is not a chat completion: it has no choices "
                + "({\"status\":\"ok\"}); is base.url the API's base URL?",
                assertThrows(IOException.class, () -> completion("{\"status\":\"ok\"}")).getMessage());
    }
}
