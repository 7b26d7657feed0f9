package aios.api.http;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallInfo;
import aios.kernel.api.Timings;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.syscall.ToolSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The native API's JSON for syscalls: a request body ({@code {"type": "llm"|"memory"|"storage"|"tool", "agent", …}})
 * as a kernel syscall, and syscalls, results, agents, processes and queues as JSON objects. The fields are described
 * in {@code openapi.json}.
 */
final class NativeSyscalls {

    static final List<String> TYPES = List.of("llm", "memory", "storage", "tool");

    private NativeSyscalls() {
    }

    /** A syscall from its JSON; {@code agent} defaults to the body's {@code agent} field. */
    static Syscall parse(ObjectNode body, String agent) {
        String type = Json.requiredText(body, "type", "");
        Scheduling scheduling = scheduling(body);
        try {
            return switch (type) {
                case "llm" -> llm(body, agent, scheduling);
                case "memory" -> new MemoryQuery(agent, memoryOperation(body), scheduling);
                case "storage" -> new StorageQuery(agent, storageOperation(body), scheduling);
                case "tool" -> {
                    List<JsonNode> raw = Json.requiredArray(body, "calls", "");
                    List<ToolCall> calls = new ArrayList<>();
                    for (int i = 0; i < raw.size(); i++) {
                        calls.add(CerebrumQueries.toolCall(Json.objectItem(raw.get(i), "calls[" + i + "]"),
                                "calls[" + i + "]"));
                    }
                    yield new ToolQuery(agent, calls, scheduling);
                }
                default -> throw ApiException.badRequest("type '" + type + "' is not a syscall type: use one of "
                        + String.join(", ", TYPES));
            };
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static Scheduling scheduling(ObjectNode body) {
        Integer priority = Json.optionalInt(body, "priority", "", -1_000_000, 1_000_000);
        String deadline = Json.optionalText(body, "deadline", "");
        Integer costMs = Json.optionalInt(body, "cost_hint_ms", "", 0, Integer.MAX_VALUE);
        Instant d = null;
        if (deadline != null) {
            try {
                d = Instant.parse(deadline);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("deadline '" + deadline + "' is not an ISO-8601 instant such as"
                        + " 2026-01-31T12:00:00Z");
            }
        }
        return new Scheduling(priority == null ? 0 : priority, d, costMs == null ? null : Duration.ofMillis(costMs));
    }

    private static LlmQuery llm(ObjectNode body, String agent, Scheduling scheduling) {
        List<Message> messages = new ArrayList<>();
        String prompt = Json.optionalText(body, "prompt", "");
        if (prompt != null) {
            messages.add(Message.user(prompt));
        }
        List<JsonNode> raw = Json.optionalArray(body, "messages", "");
        for (int i = 0; i < raw.size(); i++) {
            ObjectNode m = Json.objectItem(raw.get(i), "messages[" + i + "]");
            String role = Json.requiredText(m, "role", "messages[" + i + "]");
            Role r;
            try {
                r = Role.valueOf(role.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("messages[" + i + "].role '" + role + "' is not known: use system,"
                        + " user, assistant or tool");
            }
            messages.add(new Message(r, Json.optionalText(m, "content", "messages[" + i + "]"), List.of(),
                    Json.optionalText(m, "tool_call_id", "messages[" + i + "]")));
        }
        if (messages.isEmpty()) {
            throw ApiException.badRequest("an llm syscall needs \"prompt\" (a string) or \"messages\" (an array of"
                    + " {role, content})");
        }
        List<ToolSpec> tools = new ArrayList<>();
        List<JsonNode> rawTools = Json.optionalArray(body, "tools", "");
        for (int i = 0; i < rawTools.size(); i++) {
            ObjectNode t = Json.objectItem(rawTools.get(i), "tools[" + i + "]");
            ObjectNode params = Json.optionalObject(t, "parameters", "tools[" + i + "]");
            tools.add(new ToolSpec(Json.requiredText(t, "name", "tools[" + i + "]"),
                    Json.optionalText(t, "description", "tools[" + i + "]"), params == null ? null : params.toString()));
        }
        String action = Json.optionalText(body, "action", "");
        LlmAction a = action == null ? (tools.isEmpty() ? LlmAction.CHAT : LlmAction.TOOL_CALL) : switch (action) {
            case "chat" -> LlmAction.CHAT;
            case "json" -> LlmAction.JSON;
            case "tool_call" -> LlmAction.TOOL_CALL;
            default -> throw ApiException.badRequest("action '" + action + "' is not known: use chat, json or"
                    + " tool_call");
        };
        Integer maxTokens = Json.optionalInt(body, "max_tokens", "", 1, CerebrumQueries.MAX_TOKENS);
        Double temperature = Json.optionalDouble(body, "temperature", "", 0, 100);
        Double topP = Json.optionalDouble(body, "top_p", "", Double.MIN_VALUE, 1);
        Integer topK = Json.optionalInt(body, "top_k", "", 0, Integer.MAX_VALUE);
        JsonNode seed = body.get("seed");
        Long s = null;
        if (seed != null && !seed.isNull()) {
            if (!seed.isIntegralNumber() || !seed.canConvertToLong()) {
                throw ApiException.badRequest("seed must be a whole number, not " + Json.kind(seed));
            }
            s = seed.longValue();
        }
        Sampling sampling = new Sampling(maxTokens == null ? Sampling.DEFAULT.maxTokens() : maxTokens,
                temperature == null ? 0.0 : temperature, topP == null ? 1.0 : topP, s, topK == null ? 0 : topK);
        return new LlmQuery(agent, messages, tools, a, sampling, Json.optionalText(body, "model", ""), scheduling);
    }

    private static MemoryOperation memoryOperation(ObjectNode b) {
        String op = Json.requiredText(b, "operation", "");
        return switch (op) {
            case "add" -> new MemoryOperation.Add(Json.requiredText(b, "content", ""),
                    Json.stringMap(Json.optionalObject(b, "metadata", "")));
            case "get" -> new MemoryOperation.Get(Json.requiredText(b, "id", ""));
            case "update" -> new MemoryOperation.Update(Json.requiredText(b, "id", ""),
                    Json.requiredText(b, "content", ""), Json.stringMap(Json.optionalObject(b, "metadata", "")));
            case "remove" -> new MemoryOperation.Remove(Json.requiredText(b, "id", ""));
            case "retrieve" -> {
                Integer k = Json.optionalInt(b, "k", "", 1, CerebrumQueries.MAX_K);
                yield new MemoryOperation.Retrieve(Json.requiredText(b, "query", ""), k == null ? 5 : k,
                        Json.stringMap(Json.optionalObject(b, "filter", "")));
            }
            case "release" -> new MemoryOperation.Release(Json.requiredText(b, "id", ""));
            case "release_all" -> new MemoryOperation.ReleaseAll();
            default -> throw ApiException.badRequest("operation '" + op + "' is not a memory operation: use add, get,"
                    + " update, remove, retrieve, release or release_all");
        };
    }

    private static StorageOperation storageOperation(ObjectNode b) {
        String op = Json.requiredText(b, "operation", "");
        return switch (op) {
            case "mount" -> new StorageOperation.Mount(CerebrumQueries.path(b, "path", ""));
            case "create_file" -> new StorageOperation.CreateFile(CerebrumQueries.path(b, "path", ""));
            case "create_dir" -> new StorageOperation.CreateDir(CerebrumQueries.path(b, "path", ""));
            case "write" -> new StorageOperation.Write(CerebrumQueries.path(b, "path", ""),
                    Json.optionalText(b, "content", ""));
            case "read" -> new StorageOperation.Read(CerebrumQueries.path(b, "path", ""));
            case "list" -> new StorageOperation.List(b.has("path") ? CerebrumQueries.path(b, "path", "") : "");
            case "delete" -> new StorageOperation.Delete(CerebrumQueries.path(b, "path", ""));
            case "rollback" -> {
                Integer n = Json.optionalInt(b, "n", "", 1, 1_000_000);
                yield new StorageOperation.Rollback(CerebrumQueries.path(b, "path", ""), n == null ? 1 : n, null);
            }
            case "retrieve" -> {
                Integer k = Json.optionalInt(b, "k", "", 1, CerebrumQueries.MAX_K);
                yield new StorageOperation.Retrieve(Json.requiredText(b, "query", ""), k == null ? 5 : k);
            }
            default -> throw ApiException.badRequest("operation '" + op + "' is not a storage operation: use mount,"
                    + " create_file, create_dir, write, read, list, delete, rollback or retrieve");
        };
    }

    // ---------------------------------------------------------------- out

    static Map<String, Object> info(SyscallInfo i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("agent", i.agent());
        m.put("resource", i.resource().id());
        m.put("kind", i.kind());
        m.put("status", i.status().name());
        m.put("policy", i.policy());
        m.putAll(timings(i.timings()));
        m.put("error", i.error());
        return m;
    }

    static Map<String, Object> timings(Timings t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("arrival", t.arrival() == null ? null : t.arrival().toString());
        m.put("start", t.start() == null ? null : t.start().toString());
        m.put("end", t.end() == null ? null : t.end().toString());
        m.put("waiting_us", t.waiting() == null ? null : t.waiting().toNanos() / 1000);
        m.put("turnaround_us", t.turnaround() == null ? null : t.turnaround().toNanos() / 1000);
        return m;
    }

    static Map<String, Object> result(SyscallResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (result) {
            case LlmResult r -> {
                m.put("type", "llm");
                m.put("text", r.text());
                List<Map<String, Object>> calls = new ArrayList<>();
                for (ToolCall c : r.toolCalls()) {
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("id", c.id());
                    call.put("name", c.name());
                    call.put("arguments", Json.parsedOrText(c.arguments()));
                    calls.add(call);
                }
                m.put("tool_calls", calls);
                m.put("finish_reason", r.finishReason());
                m.put("prompt_tokens", r.promptTokens());
                m.put("completion_tokens", r.completionTokens());
                m.put("model", r.model());
            }
            case MemoryResult r -> {
                m.put("type", "memory");
                m.put("id", r.id());
                m.put("content", r.content());
                m.put("metadata", Json.metadataOut(r.metadata()));
                List<Map<String, Object>> hits = new ArrayList<>();
                for (MemoryResult.Hit h : r.hits()) {
                    Map<String, Object> hit = new LinkedHashMap<>();
                    hit.put("id", h.id());
                    hit.put("content", h.content());
                    hit.put("metadata", Json.metadataOut(h.metadata()));
                    hit.put("score", h.score());
                    hits.add(hit);
                }
                m.put("hits", hits);
            }
            case StorageResult r -> {
                m.put("type", "storage");
                m.put("message", r.message());
                m.put("content", r.content());
                m.put("entries", r.entries());
                m.put("hits", r.hits());
                m.put("version", r.version());
            }
            case ToolResult r -> {
                m.put("type", "tool");
                List<Map<String, Object>> outcomes = new ArrayList<>();
                for (ToolResult.Outcome o : r.outcomes()) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("call_id", o.callId());
                    out.put("tool", o.tool());
                    out.put("ok", o.ok());
                    out.put("output", o.output());
                    out.put("error", o.error());
                    outcomes.add(out);
                }
                m.put("outcomes", outcomes);
            }
        }
        return m;
    }

    static Map<String, Object> agent(AgentInfo a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", a.name());
        m.put("registered", a.registered().toString());
        m.put("submitted", a.submitted());
        m.put("completed", a.completed());
        m.put("failed", a.failed());
        m.put("active", a.active());
        return m;
    }

    static Map<String, Object> process(AgentProcess p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("pid", "p" + p.id());
        m.put("agent", p.agent());
        m.put("input", p.input());
        m.put("status", p.status().name());
        m.put("result", p.result());
        m.put("error", p.error());
        m.put("submitted", p.submitted().toString());
        m.put("started", p.started() == null ? null : p.started().toString());
        m.put("ended", p.ended() == null ? null : p.ended().toString());
        return m;
    }

    static Map<String, Object> queue(QueueInfo q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("resource", q.resource().id());
        m.put("policy", q.policy());
        m.put("configured_policy", q.configuredPolicy());
        m.put("parameters", q.parameters());
        m.put("waiting", q.waiting());
        m.put("running", q.running());
        m.put("completed", q.completed());
        m.put("failed", q.failed());
        m.put("mean_waiting_us", q.meanWaiting() == null ? null : q.meanWaiting().toNanos() / 1000);
        m.put("workers", q.workers());
        m.put("threads", q.threads());
        m.put("cpus", q.cpus());
        m.put("capacity", q.capacity());
        m.put("deadline_misses", q.deadlineMisses());
        return m;
    }
}
