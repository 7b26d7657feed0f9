package aios.api.http;

import aios.kernel.api.Timings;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel results in Cerebrum's response shapes ({@code LLMResponse}, {@code MemoryResponse}, {@code StorageResponse},
 * {@code ToolResponse}), and the {@code /query} answer around them: {@code response} plus the timing lists
 * {@code start_times}, {@code end_times} (epoch seconds), {@code waiting_times}, {@code turnaround_times} (seconds), one
 * entry per syscall the query ran — filled on every call, the first one too.
 */
final class CerebrumResponses {

    private CerebrumResponses() {
    }

    /** The response of a syscall that completed. */
    static Map<String, Object> success(Syscall call, SyscallResult result) {
        return switch (result) {
            case LlmResult r -> llm(r);
            case MemoryResult r -> memory((MemoryQuery) call, r);
            case StorageResult r -> storage((StorageQuery) call, r);
            case ToolResult r -> tool(r);
        };
    }

    /**
     * The response of a query that did not complete: refused, failed or cancelled.
     *
     * @param type the query_type
     * @param statusCode Cerebrum's {@code status_code}: 4xx when the kernel refused it, 500 when it ran and failed
     */
    static Map<String, Object> failure(String type, String error, int statusCode) {
        Map<String, Object> r = base(type);
        switch (type) {
            case "llm" -> {
                r.put("response_message", null);
                r.put("tool_calls", null);
            }
            case "memory" -> {
                r.put("memory_id", null);
                r.put("content", null);
                r.put("metadata", null);
                r.put("search_results", null);
                r.put("success", false);
            }
            default -> r.put("response_message", null);
        }
        if (!type.equals("memory")) {
            r.put("finished", false);
        }
        r.put("error", error);
        r.put("status_code", statusCode);
        return r;
    }

    private static Map<String, Object> base(String type) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("response_class", type);
        return r;
    }

    private static Map<String, Object> llm(LlmResult result) {
        Map<String, Object> r = base("llm");
        List<Map<String, Object>> calls = new ArrayList<>();
        for (ToolCall c : result.toolCalls()) {
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("name", c.name());
            call.put("parameters", Json.parsedOrText(c.arguments()));
            if (c.id() != null) {
                call.put("id", c.id());
            }
            calls.add(call);
        }
        r.put("response_message", calls.isEmpty() || !result.text().isBlank() ? result.text() : null);
        r.put("tool_calls", calls.isEmpty() ? null : calls);
        r.put("finished", true);
        r.put("error", null);
        r.put("status_code", 200);
        // beyond Cerebrum's fields: what ran, for people and logs
        r.put("model", result.model());
        r.put("finish_reason", result.finishReason());
        r.put("prompt_tokens", result.promptTokens());
        r.put("completion_tokens", result.completionTokens());
        return r;
    }

    private static Map<String, Object> memory(MemoryQuery call, MemoryResult result) {
        Map<String, Object> r = base("memory");
        r.put("memory_id", result.id());
        r.put("content", result.content());
        r.put("metadata", call.operation() instanceof MemoryOperation.Get ? Json.metadataOut(result.metadata())
                : null);
        if (call.operation() instanceof MemoryOperation.Retrieve) {
            List<Map<String, Object>> hits = new ArrayList<>();
            for (MemoryResult.Hit h : result.hits()) {
                Map<String, Object> hit = new LinkedHashMap<>();
                hit.put("memory_id", h.id());
                hit.put("content", h.content());
                hit.put("metadata", Json.metadataOut(h.metadata()));
                hit.put("score", h.score());
                hits.add(hit);
            }
            r.put("search_results", hits);
        } else {
            r.put("search_results", null);
        }
        r.put("success", true);
        r.put("error", null);
        return r;
    }

    private static Map<String, Object> storage(StorageQuery call, StorageResult result) {
        Map<String, Object> r = base("storage");
        Object message = switch (call.operation()) {
            case StorageOperation.Read read -> result.content();
            case StorageOperation.List list -> result.entries();
            case StorageOperation.Retrieve retrieve -> result.hits();
            default -> result.message();
        };
        r.put("response_message", message);
        r.put("finished", true);
        r.put("error", null);
        r.put("status_code", 200);
        if (result.version() > 0) {
            r.put("version", result.version());
        }
        return r;
    }

    /** One call: its output; several: the list of outputs. A failed call's error goes to {@code error}. */
    private static Map<String, Object> tool(ToolResult result) {
        Map<String, Object> r = base("tool");
        List<Object> outputs = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<Map<String, Object>> outcomes = new ArrayList<>();
        for (ToolResult.Outcome o : result.outcomes()) {
            outputs.add(o.ok() ? o.output() : null);
            if (!o.ok()) {
                errors.add("tool '" + o.tool() + "': " + o.error());
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", o.tool());
            out.put("ok", o.ok());
            out.put(o.ok() ? "output" : "error", o.ok() ? o.output() : o.error());
            outcomes.add(out);
        }
        r.put("response_message", outputs.size() == 1 ? outputs.get(0) : outputs);
        r.put("finished", true);
        r.put("error", errors.isEmpty() ? null : String.join("; ", errors));
        r.put("status_code", errors.isEmpty() ? 200 : 400);
        r.put("outcomes", outcomes);
        return r;
    }

    /** The {@code /query} answer: the response and one timing entry per syscall run. */
    static Map<String, Object> answer(Map<String, Object> response, List<Timings> timings, List<Long> ids) {
        List<Double> starts = new ArrayList<>();
        List<Double> ends = new ArrayList<>();
        List<Double> waits = new ArrayList<>();
        List<Double> turnarounds = new ArrayList<>();
        for (Timings t : timings) {
            if (t.start() == null || t.end() == null) {
                continue; // never ran (cancelled while waiting): no times to report
            }
            starts.add(epochSeconds(t.start()));
            ends.add(epochSeconds(t.end()));
            waits.add(seconds(t.waiting()));
            turnarounds.add(seconds(t.turnaround()));
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("response", response);
        a.put("start_times", starts);
        a.put("end_times", ends);
        a.put("waiting_times", waits);
        a.put("turnaround_times", turnarounds);
        a.put("syscall_ids", ids);
        return a;
    }

    static double epochSeconds(Instant i) {
        return i.getEpochSecond() + i.getNano() / 1e9;
    }

    static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
