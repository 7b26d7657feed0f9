package aios.llm.openai;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The body of {@code POST /chat/completions} for an LLM syscall, as OpenAI's API reference defines it:
 * {@code model}, {@code messages} (system, user, assistant with its {@code tool_calls}, tool with its
 * {@code tool_call_id}), {@code tools} as functions with {@code tool_choice}, {@code response_format} for JSON, and the
 * sampling ({@code max_tokens} or {@code max_completion_tokens}, {@code temperature}, {@code top_p}, {@code seed};
 * {@code top_k}, which llama.cpp and vLLM read but OpenAI refuses, only when the query limits it).
 *
 * <p>Tool choice: {@link LlmAction#TOOL_CALL} sends {@code "auto"} — the model calls tools, or answers with text
 * when it needs none (what an agent's planning loop waits for); other actions that offer tools send {@code "none"}.
 */
final class ChatRequest {

    static final ObjectMapper JSON = new ObjectMapper();

    private ChatRequest() {
    }

    /**
     * The request body.
     *
     * @param model the model name sent
     * @param stream whether the answer is to be streamed (with the usage in its last chunk)
     * @param maxTokensParameter {@code max_tokens} or {@code max_completion_tokens}
     * @throws IllegalArgumentException if a tool message names no call, or a tool's parameter schema is not JSON
     */
    static ObjectNode of(LlmQuery query, String model, boolean stream, String maxTokensParameter) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        List<Message> conversation = query.messages();
        for (int i = 0; i < conversation.size(); i++) {
            messages.add(message(conversation.get(i), i));
        }
        if (!query.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec t : query.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", t.name());
                if (!t.description().isEmpty()) {
                    function.put("description", t.description());
                }
                function.set("parameters", schema(t));
            }
            body.put("tool_choice", query.action() == LlmAction.TOOL_CALL ? "auto" : "none");
        }
        if (query.action() == LlmAction.JSON) {
            body.putObject("response_format").put("type", "json_object");
        }
        Sampling s = query.sampling();
        body.put(maxTokensParameter, s.maxTokens());
        body.put("temperature", s.temperature());
        body.put("top_p", s.topP());
        if (s.topK() > 0) {
            body.put("top_k", s.topK());
        }
        if (s.seed() != null) {
            body.put("seed", s.seed());
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    private static ObjectNode message(Message m, int index) {
        ObjectNode out = JSON.createObjectNode();
        switch (m.role()) {
            case SYSTEM -> out.put("role", "system").put("content", m.content());
            case USER -> out.put("role", "user").put("content", m.content());
            case ASSISTANT -> {
                out.put("role", "assistant");
                if (m.toolCalls().isEmpty()) {
                    out.put("content", m.content());
                } else {
                    // a turn that only calls tools has no content (null), as the API writes it
                    if (m.content().isEmpty()) {
                        out.putNull("content");
                    } else {
                        out.put("content", m.content());
                    }
                    ArrayNode calls = out.putArray("tool_calls");
                    List<ToolCall> toolCalls = m.toolCalls();
                    for (int i = 0; i < toolCalls.size(); i++) {
                        ToolCall c = toolCalls.get(i);
                        // no id: the call's index, as the SDK's Action gives it to the answering tool message
                        ObjectNode call = calls.addObject().put("id", c.id() == null ? String.valueOf(i) : c.id())
                                .put("type", "function");
                        call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
                    }
                }
            }
            case TOOL -> {
                if (m.toolCallId() == null || m.toolCallId().isBlank()) {
                    throw new IllegalArgumentException("message " + (index + 1) + " is a tool message without the id "
                            + "of the tool call it answers: OpenAI-compatible servers need tool_call_id (give the "
                            + "assistant's tool calls ids, and each tool message the id of its call)");
                }
                out.put("role", "tool").put("tool_call_id", m.toolCallId()).put("content", m.content());
            }
        }
        return out;
    }

    private static JsonNode schema(ToolSpec t) {
        JsonNode schema;
        try {
            schema = JSON.readTree(t.parameters());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the parameter schema of tool '" + t.name() + "' is not JSON: "
                    + e.getOriginalMessage() + "; correct the tool's ToolSpec");
        }
        if (!schema.isObject()) {
            throw new IllegalArgumentException("the parameter schema of tool '" + t.name() + "' is not a JSON object"
                    + " but " + schema.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + "; correct the tool's ToolSpec");
        }
        return schema;
    }
}
