package aios.api.http;

import static aios.api.http.AsyncReplies.ids;
import static aios.api.http.AsyncReplies.unwrap;
import static aios.api.http.HttpApi.retryAfter;
import static aios.api.http.HttpApi.send;
import static aios.api.http.HttpApi.status;

import aios.api.http.AsyncReplies.Reply;
import aios.api.http.HttpApi.Backend;
import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.Timings;
import aios.kernel.api.agent.AgentDescription;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentRunner;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Syscall;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The AIOS/Cerebrum-compatible endpoints: {@code POST /query} (Cerebrum's {@code query_data} as kernel syscalls,
 * answered in Cerebrum's shapes), {@code /core/status}, {@code /core/llms/list}, and {@code /agents/submit},
 * {@code /agents/ID/status}, {@code /agents/ps} over the agent runner.
 */
final class CerebrumRoutes {

    private final HttpApi api;
    private final AsyncReplies replies;
    /** Models named by queries that ran on the default model, so that each is logged once. */
    private final Set<String> fallbackModelsLogged = ConcurrentHashMap.newKeySet();

    CerebrumRoutes(HttpApi api, AsyncReplies replies) {
        this.api = api;
        this.replies = replies;
    }

    // ---------------------------------------------------------------- Cerebrum: /core

    /** Which parts run, with AIOS's names for them. */
    Map<String, Object> coreStatus() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("llms", api.backends.isEmpty() ? "inactive" : "active");
        m.put("storage", api.storage == null ? "inactive" : "active");
        m.put("memory", api.memory == null ? "inactive" : "active");
        m.put("tool", api.tools == null ? "inactive" : "active");
        m.put("scheduler", api.kernel == null ? "inactive" : "active");
        m.put("factory", api.runner == null ? "inactive" : "active");
        return m;
    }

    Map<String, Object> llmList() {
        List<Map<String, Object>> llms = new ArrayList<>();
        for (Backend b : api.backends) {
            for (String model : safeModels(b)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", model);
                m.put("backend", b.name());
                llms.add(m);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", llms.isEmpty() ? "warning" : "success");
        if (llms.isEmpty()) {
            out.put("message", api.backends.isEmpty() ? "no LLM backend is installed"
                    : "the LLM backends serve no model now (llm:models in the shell says why)");
        }
        out.put("llms", llms);
        return out;
    }

    private List<String> safeModels(Backend b) {
        try {
            return b.backend().models();
        } catch (RuntimeException e) {
            api.log().warn("LLM backend {} could not list its models: {}", b.name(), e.toString());
            return List.of();
        }
    }

    /** The model a Cerebrum query names, if a backend serves it; otherwise the default or a refusal. */
    private String resolveModel(String requested) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        List<String> served = new ArrayList<>();
        for (Backend b : api.backends) {
            served.addAll(safeModels(b));
        }
        if (served.contains(requested)) {
            return requested;
        }
        if ("refuse".equals(api.config().cerebrum_unknown_model())) {
            throw ApiException.badRequest("model '" + requested + "' is not served by this kernel: the models served"
                    + " are " + (served.isEmpty() ? "none" : String.join(", ", served))
                    + " (or set cerebrum.unknown.model=default in aios.http to run such queries on the default model)");
        }
        if (fallbackModelsLogged.add(requested)) {
            api.log().info("Cerebrum queries naming model '{}', which no backend serves, run on the default model"
                    + " (cerebrum.unknown.model=default in {})", requested, HttpApi.PID);
        }
        return null;
    }

    // ---------------------------------------------------------------- Cerebrum: /query

    /**
     * Cerebrum's {@code send_request}: {@code {"agent_name", "query_type", "query_data"}} in, {@code {"response",
     * "start_times", "end_times", "waiting_times", "turnaround_times"}} out. A query refused by the kernel (access,
     * limits, no service) is an HTTP error with the Cerebrum-shaped response in {@code details}; one that ran and
     * failed is answered 200 with the error in {@code response.error}, as Cerebrum's responses carry it.
     */
    void query(Request r) throws IOException {
        ObjectNode body = r.json();
        String agent = kernelAgent(Json.requiredText(body, "agent_name", ""));
        String type = Json.requiredText(body, "query_type", "");
        if (!CerebrumQueries.TYPES.contains(type)) {
            throw ApiException.badRequest("query_type '" + type + "' is not known: use one of "
                    + String.join(", ", CerebrumQueries.TYPES));
        }
        ObjectNode data = Json.requiredObject(body, "query_data", "");
        api.requireMayActAs(r.caller, agent);
        Kernel k = api.kernel();
        CerebrumQueries.Plan plan = CerebrumQueries.plan(agent, type, data, this::resolveModel);
        api.register(k, agent);
        List<SyscallHandle> handles = Collections.synchronizedList(new ArrayList<>());
        CompletionStage<Map<String, Object>> response;
        try {
            response = run(k, plan, handles);
        } catch (SyscallRejectedException e) {
            throw refused(type, e, handles);
        }
        replies.reply(r, response.handle((ok, failure) -> {
            if (failure == null) {
                return new Reply(200, CerebrumResponses.answer(ok, timings(handles), ids(handles)));
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof SyscallRejectedException e) {
                throw refused(type, e, handles);
            }
            if (cause instanceof ApiException e) {
                throw e;
            }
            String message = cause instanceof CancellationException ? "the syscall was cancelled before it finished"
                    : cause instanceof SyscallException ? cause.getMessage() : cause.toString();
            return new Reply(200, CerebrumResponses.answer(CerebrumResponses.failure(type, message, 500),
                    timings(handles), ids(handles)));
        }), handles);
    }

    /**
     * The kernel agent a Cerebrum {@code agent_name} acts as: the same name, with the {@code /} of an agent-hub name
     * ({@code example/academic_agent}) as {@code .}, since kernel agent names have no {@code /}.
     */
    static String kernelAgent(String agentName) {
        return agentName.replace('/', '.');
    }

    private CompletionStage<Map<String, Object>> run(Kernel k, CerebrumQueries.Plan plan,
                                                     List<SyscallHandle> handles) {
        return switch (plan) {
            case CerebrumQueries.Plan.Single s -> submit(k, s.syscall(), handles).result()
                    .thenApply(result -> CerebrumResponses.success(s.syscall(), result));
            case CerebrumQueries.Plan.UpdateMemory u -> submit(k, new MemoryQuery(u.agent(),
                    new MemoryOperation.Get(u.id())), handles).result().thenCompose(got -> {
                        MemoryResult note = (MemoryResult) got;
                        MemoryQuery update = new MemoryQuery(u.agent(), new MemoryOperation.Update(u.id(),
                                u.content() != null ? u.content() : note.content(),
                                u.metadata() != null ? u.metadata() : note.metadata()));
                        return submit(k, update, handles).result()
                                .thenApply(result -> CerebrumResponses.success(update, result));
                    });
        };
    }

    private SyscallHandle submit(Kernel k, Syscall call, List<SyscallHandle> handles) {
        SyscallHandle h = k.submit(call);
        handles.add(h);
        api.submitted().add(h);
        return h;
    }

    private static List<Timings> timings(List<SyscallHandle> handles) {
        synchronized (handles) {
            return handles.stream().map(SyscallHandle::timings).toList();
        }
    }

    private ApiException refused(String type, SyscallRejectedException e, List<SyscallHandle> handles) {
        int status = status(e.reason());
        return new ApiException(status, e.getMessage(), retryAfter(e.reason()), CerebrumResponses.answer(
                CerebrumResponses.failure(type, e.getMessage(), status), timings(handles), ids(handles)));
    }

    // ---------------------------------------------------------------- Cerebrum: agents

    void submit(Request r) throws IOException {
        ObjectNode body = r.json();
        String id = Json.requiredText(body, "agent_id", "");
        ObjectNode agentConfig = Json.optionalObject(body, "agent_config", "");
        String task = agentConfig == null ? null : Json.optionalText(agentConfig, "task", "agent_config");
        AgentRunner run = api.runner();
        String agent = installedAgent(run, id);
        api.requireMayActAs(r.caller, agent);
        AgentProcess p = api.start(run, agent, task);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("execution_id", p.id());
        out.put("message", "Agent " + agent + " submitted for execution");
        send(r.response, 200, out);
    }

    /** An installed agent by name, or by the last segment of a hub path ({@code example/story} is {@code story}). */
    private static String installedAgent(AgentRunner run, String id) {
        List<String> names = run.agents().stream().map(AgentDescription::name).toList();
        if (names.contains(id)) {
            return id;
        }
        String last = id.substring(id.lastIndexOf('/') + 1);
        if (names.contains(last)) {
            return last;
        }
        throw ApiException.notFound("no agent named '" + id + "' is installed: the installed agents are "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + " (an agent is an OSGi bundle dropped into"
                + " bundles/; see README, Writing an agent)");
    }

    void agentStatus(Request r) throws IOException {
        AgentProcess p = api.visibleProcess(r);
        Map<String, Object> out = new LinkedHashMap<>();
        switch (p.status()) {
            case QUEUED, RUNNING -> {
                out.put("status", "running");
                out.put("message", "Execution in progress");
            }
            case DONE -> {
                out.put("status", "completed");
                out.put("result", p.result());
            }
            case FAILED, KILLED -> {
                out.put("status", "error");
                out.put("error", Map.of("message", Objects.requireNonNullElse(p.error(), p.status().name())));
            }
        }
        out.put("execution_id", p.id());
        send(r.response, 200, out);
    }

    void ps(Request r) throws IOException {
        List<Map<String, Object>> list = api.visibleProcesses(r.caller);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("count", list.size());
        out.put("processes", list);
        send(r.response, 200, out);
    }
}
