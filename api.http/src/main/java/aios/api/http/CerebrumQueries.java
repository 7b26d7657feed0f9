package aios.api.http;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Cerebrum's {@code query_data} as kernel syscalls: the wire format of the Cerebrum SDK ({@code cerebrum/*}/apis.py,
 * {@code send_request}) read strictly, each field checked for its type, every refusal a 400 naming the field.
 *
 * <p>Pure: no kernel, no I/O. Which model a query names is resolved by the caller ({@code models}).
 */
final class CerebrumQueries {

    /** The four {@code query_type}s. */
    static final List<String> TYPES = List.of("llm", "memory", "storage", "tool");
    static final List<String> MEMORY_OPERATIONS = List.of("add_memory", "add_agentic_memory", "get_memory",
            "update_memory", "remove_memory", "retrieve_memory", "retrieve_memory_raw");
    static final List<String> STORAGE_OPERATIONS = List.of("mount", "create_file", "create_dir", "write", "retrieve",
            "rollback", "read", "list", "delete");
    static final List<String> LLM_ACTIONS = List.of("chat", "chat_with_json_output", "chat_with_tool_call_output",
            "call_tool", "tool_use");

    /** The most tokens a query may ask for (a bound against absurd values, far above what models produce). */
    static final int MAX_TOKENS = 1 << 20;
    static final int MAX_K = 1000;

    /**
     * What a {@code /query} runs: one syscall, or — for an {@code update_memory} that leaves content or metadata out,
     * which keeps them — a get of the note first and then the update.
     */
    sealed interface Plan {
        /** @param syscall the syscall to submit */
        record Single(Syscall syscall) implements Plan {
        }

        /**
         * @param content the new content, {@code null} to keep the note's
         * @param metadata the new metadata, {@code null} to keep the note's
         */
        record UpdateMemory(String agent, String id, String content, Map<String, String> metadata) implements Plan {
        }
    }

    private CerebrumQueries() {
    }

    /**
     * @param models resolves the model a query names ({@code llms[0].name}) to the one to run, {@code null} for the
     *     default; throws an {@link ApiException} if it refuses
     */
    static Plan plan(String agent, String type, ObjectNode data, Function<String, String> models) {
        return switch (type) {
            case "llm" -> new Plan.Single(llm(agent, data, models));
            case "memory" -> memory(agent, data);
            case "storage" -> new Plan.Single(storage(agent, data));
            case "tool" -> new Plan.Single(tool(agent, data));
            default -> throw ApiException.badRequest("query_type '" + type + "' is not known: use one of "
                    + String.join(", ", TYPES));
        };
    }

    // ---------------------------------------------------------------- llm

    static LlmQuery llm(String agent, ObjectNode data, Function<String, String> models) {
        String at = "query_data";
        List<JsonNode> rawMessages = Json.requiredArray(data, "messages", at);
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < rawMessages.size(); i++) {
            messages.add(message(Json.objectItem(rawMessages.get(i), at + ".messages[" + i + "]"),
                    at + ".messages[" + i + "]"));
        }
        List<ToolSpec> tools = new ArrayList<>();
        List<JsonNode> rawTools = Json.optionalArray(data, "tools", at);
        for (int i = 0; i < rawTools.size(); i++) {
            tools.add(toolSpec(Json.objectItem(rawTools.get(i), at + ".tools[" + i + "]"), at + ".tools[" + i + "]"));
        }
        String actionType = Json.optionalText(data, "action_type", at);
        actionType = actionType == null ? "chat" : actionType;
        String returnType = Json.optionalText(data, "message_return_type", at);
        if (returnType != null && !returnType.equals("text") && !returnType.equals("json")) {
            throw ApiException.badRequest(at + ".message_return_type '" + returnType + "' is not known: use text or"
                    + " json");
        }
        ObjectNode responseFormat = Json.optionalObject(data, "response_format", at);
        LlmAction action = switch (actionType) {
            case "chat" -> "json".equals(returnType) || responseFormat != null ? LlmAction.JSON : LlmAction.CHAT;
            case "chat_with_json_output" -> LlmAction.JSON;
            case "chat_with_tool_call_output", "call_tool", "tool_use" -> LlmAction.TOOL_CALL;
            case "operate_file" -> throw ApiException.badRequest(at + ".action_type 'operate_file' is not supported"
                    + " by this kernel: a model does not operate on files by itself here; ask for tool calls"
                    + " (chat_with_tool_call_output with the file tools) or use storage queries");
            default -> throw ApiException.badRequest(at + ".action_type '" + actionType + "' is not known: use one of "
                    + String.join(", ", LLM_ACTIONS));
        };
        if (action == LlmAction.TOOL_CALL && tools.isEmpty()) {
            throw ApiException.badRequest(at + ".action_type '" + actionType + "' asks for tool calls but "
                    + at + ".tools is empty: offer at least one tool");
        }
        // llms[0] names the model and may carry sampling; the query's own fields win
        List<JsonNode> llms = Json.optionalArray(data, "llms", at);
        ObjectNode first = llms.isEmpty() ? null : Json.objectItem(llms.get(0), at + ".llms[0]");
        String model = first == null ? null : Json.optionalText(first, "name", at + ".llms[0]");
        Double temperature = Json.optionalDouble(data, "temperature", at, 0, 100);
        Integer maxTokens = Json.optionalInt(data, "max_new_tokens", at, 1, MAX_TOKENS);
        Double topP = null;
        if (first != null) {
            Double t = Json.optionalDouble(first, "temperature", at + ".llms[0]", 0, 100);
            Integer m = Json.optionalInt(first, "max_tokens", at + ".llms[0]", 1, MAX_TOKENS);
            topP = Json.optionalDouble(first, "top_p", at + ".llms[0]", Double.MIN_VALUE, 1);
            temperature = temperature != null ? temperature : t;
            maxTokens = maxTokens != null ? maxTokens : m;
        }
        Sampling sampling = new Sampling(maxTokens == null ? Sampling.DEFAULT.maxTokens() : maxTokens,
                temperature == null ? Sampling.DEFAULT.temperature() : temperature, topP == null ? 1.0 : topP, null);
        try {
            return new LlmQuery(agent, messages, tools, action, sampling, models.apply(model), Scheduling.DEFAULT);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static Message message(ObjectNode m, String at) {
        String roleName = Json.requiredText(m, "role", at);
        Role role = switch (roleName.toLowerCase(Locale.ROOT)) {
            case "system" -> Role.SYSTEM;
            case "user" -> Role.USER;
            case "assistant" -> Role.ASSISTANT;
            case "tool", "function" -> Role.TOOL;
            default -> throw ApiException.badRequest(at + ".role '" + roleName + "' is not known: use system, user,"
                    + " assistant or tool");
        };
        String content = content(m.get("content"), at + ".content");
        List<ToolCall> calls = new ArrayList<>();
        List<JsonNode> rawCalls = Json.optionalArray(m, "tool_calls", at);
        for (int i = 0; i < rawCalls.size(); i++) {
            calls.add(toolCall(Json.objectItem(rawCalls.get(i), at + ".tool_calls[" + i + "]"),
                    at + ".tool_calls[" + i + "]"));
        }
        String toolCallId = Json.optionalText(m, "tool_call_id", at);
        return new Message(role, content, calls, toolCallId);
    }

    /** A message's content: a string, null (an assistant turn that only calls tools), or OpenAI's text parts. */
    private static String content(JsonNode c, String at) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.textValue();
        }
        if (c.isArray()) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < c.size(); i++) {
                JsonNode part = c.get(i);
                if (part.isTextual()) {
                    text.append(part.textValue());
                } else if (part.isObject() && part.path("text").isTextual()) {
                    text.append(part.get("text").textValue());
                } else {
                    throw ApiException.badRequest(at + "[" + i + "] must be a string or an object with a \"text\""
                            + " string, not " + Json.kind(part));
                }
            }
            return text.toString();
        }
        throw ApiException.badRequest(at + " must be a string, not " + Json.kind(c));
    }

    /** Cerebrum's {@code {name, description, parameters}}, or OpenAI's {@code {type: function, function: {…}}}. */
    private static ToolSpec toolSpec(ObjectNode t, String at) {
        ObjectNode f = t.has("function") ? Json.requiredObject(t, "function", at) : t;
        String fat = t.has("function") ? at + ".function" : at;
        String name = Json.requiredText(f, "name", fat);
        String description = Json.optionalText(f, "description", fat);
        ObjectNode parameters = Json.optionalObject(f, "parameters", fat);
        return new ToolSpec(name, description, parameters == null ? null : parameters.toString());
    }

    /** Cerebrum's {@code {name, parameters}}, or OpenAI's {@code {id, function: {name, arguments}}}. */
    static ToolCall toolCall(ObjectNode c, String at) {
        String id = Json.optionalText(c, "id", at);
        if (c.has("function")) {
            ObjectNode f = Json.requiredObject(c, "function", at);
            return new ToolCall(id, Json.requiredText(f, "name", at + ".function"),
                    Json.argumentsText(f.get("arguments"), at + ".function.arguments"));
        }
        String name = Json.requiredText(c, "name", at);
        JsonNode args = c.has("parameters") ? c.get("parameters") : c.get("arguments");
        return new ToolCall(id, name, Json.argumentsText(args, at + (c.has("parameters") ? ".parameters"
                : ".arguments")));
    }

    // ---------------------------------------------------------------- memory

    static Plan memory(String agent, ObjectNode data) {
        String at = "query_data";
        String op = Json.requiredText(data, "operation_type", at);
        ObjectNode params = Json.optionalObject(data, "params", at);
        ObjectNode p = params == null ? Json.MAPPER.createObjectNode() : params;
        String pat = at + ".params";
        MemoryOperation operation = switch (op) {
            case "add_memory", "add_agentic_memory" -> new MemoryOperation.Add(Json.requiredText(p, "content", pat),
                    Json.stringMap(Json.optionalObject(p, "metadata", pat)));
            case "get_memory" -> new MemoryOperation.Get(Json.requiredText(p, "memory_id", pat));
            case "remove_memory" -> new MemoryOperation.Remove(Json.requiredText(p, "memory_id", pat));
            case "retrieve_memory", "retrieve_memory_raw" -> {
                String query = Json.requiredText(p, "content", pat);
                if (query.isBlank()) {
                    throw ApiException.badRequest(pat + ".content is blank: give the text to search for");
                }
                Integer k = Json.optionalInt(p, "k", pat, 1, MAX_K);
                yield new MemoryOperation.Retrieve(query, k == null ? 5 : k,
                        Json.stringMap(Json.optionalObject(p, "filter", pat)));
            }
            case "update_memory" -> {
                String id = Json.requiredText(p, "memory_id", pat);
                String content = Json.optionalText(p, "content", pat);
                if (content != null && content.isEmpty()) {
                    throw ApiException.badRequest(pat + ".content is empty: give the new content, or leave it out"
                            + " (or null) to keep the note's");
                }
                ObjectNode metadata = Json.optionalObject(p, "metadata", pat);
                Map<String, String> meta = metadata == null ? null : Json.stringMap(metadata);
                if (content == null || meta == null) {
                    yield null; // the note's content or metadata is kept: read it first
                }
                yield new MemoryOperation.Update(id, content, meta);
            }
            default -> throw ApiException.badRequest(at + ".operation_type '" + op + "' is not a memory operation:"
                    + " use one of " + String.join(", ", MEMORY_OPERATIONS));
        };
        if (operation == null) {
            String content = Json.optionalText(p, "content", pat);
            ObjectNode metadata = Json.optionalObject(p, "metadata", pat);
            return new Plan.UpdateMemory(agent, Json.requiredText(p, "memory_id", pat), content,
                    metadata == null ? null : Json.stringMap(metadata));
        }
        return new Plan.Single(new MemoryQuery(agent, operation));
    }

    // ---------------------------------------------------------------- storage

    static StorageQuery storage(String agent, ObjectNode data) {
        String at = "query_data";
        String op = Json.requiredText(data, "operation_type", at);
        ObjectNode params = Json.optionalObject(data, "params", at);
        ObjectNode p = params == null ? Json.MAPPER.createObjectNode() : params;
        String pat = at + ".params";
        StorageOperation operation = switch (op) {
            case "mount" -> new StorageOperation.Mount(path(p, "root_dir", pat));
            case "create_file" -> new StorageOperation.CreateFile(path(p, "file_path", pat));
            case "create_dir" -> new StorageOperation.CreateDir(path(p, "dir_path", pat));
            case "write" -> {
                String path = path(p, "file_path", pat);
                String content = Json.optionalText(p, "content", pat);
                if (content == null && p.has("content") && !p.get("content").isNull()) {
                    throw ApiException.badRequest(pat + ".content must be a string");
                }
                yield new StorageOperation.Write(path, content == null ? "" : content);
            }
            case "read" -> new StorageOperation.Read(path(p, "file_path", pat));
            case "delete" -> new StorageOperation.Delete(path(p, "file_path", pat));
            case "list" -> new StorageOperation.List(p.has("dir_path") ? path(p, "dir_path", pat) : "");
            case "rollback" -> {
                String path = path(p, "file_path", pat);
                Integer n = Json.optionalInt(p, "n", pat, 1, 1_000_000);
                yield new StorageOperation.Rollback(path, n == null ? 1 : n, null);
            }
            case "retrieve" -> {
                String text = Json.requiredText(p, "query_text", pat);
                StringBuilder query = new StringBuilder(text);
                List<JsonNode> keywords = Json.optionalArray(p, "keywords", pat);
                for (int i = 0; i < keywords.size(); i++) {
                    if (!keywords.get(i).isTextual()) {
                        throw ApiException.badRequest(pat + ".keywords[" + i + "] must be a string, not "
                                + Json.kind(keywords.get(i)));
                    }
                    query.append(' ').append(keywords.get(i).textValue());
                }
                if (query.toString().isBlank()) {
                    throw ApiException.badRequest(pat + ".query_text is blank: give the text to search for");
                }
                Integer n = Json.optionalInt(p, "n", pat, 1, MAX_K);
                yield new StorageOperation.Retrieve(query.toString(), n == null ? 5 : n);
            }
            case "share" -> throw ApiException.badRequest(at + ".operation_type 'share' is not supported by this"
                    + " kernel: write the file under /shared/… (the agent needs the permission mount:shared; an"
                    + " operator grants it with acl:grant AGENT mount:shared)");
            default -> throw ApiException.badRequest(at + ".operation_type '" + op + "' is not a storage operation:"
                    + " use one of " + String.join(", ", STORAGE_OPERATIONS));
        };
        return new StorageQuery(agent, operation);
    }

    /**
     * A path parameter: a string without control characters and without {@code ..} segments (which would leave the
     * agent's namespace; refused here before anything is submitted). Whether the agent may reach it is for the
     * kernel's access check.
     */
    static String path(JsonNode params, String field, String at) {
        String path = Json.requiredText(params, field, at);
        for (int i = 0; i < path.length(); i++) {
            if (Character.isISOControl(path.charAt(i))) {
                throw ApiException.badRequest(at + "." + field + " contains a control character (at "
                        + i + "): give a plain path");
            }
        }
        for (String segment : path.replace('\\', '/').split("/")) {
            if (segment.equals("..")) {
                throw ApiException.badRequest(at + "." + field + " '" + path + "' leaves the agent's storage ('..'):"
                        + " give a path inside it");
            }
        }
        return path;
    }

    // ---------------------------------------------------------------- tool

    static ToolQuery tool(String agent, ObjectNode data) {
        String at = "query_data";
        List<JsonNode> raw = Json.requiredArray(data, "tool_calls", at);
        List<ToolCall> calls = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            calls.add(toolCall(Json.objectItem(raw.get(i), at + ".tool_calls[" + i + "]"),
                    at + ".tool_calls[" + i + "]"));
        }
        return new ToolQuery(agent, calls, Scheduling.DEFAULT);
    }
}
