package aios.api.http;

import static aios.api.http.AsyncReplies.unwrap;
import static aios.api.http.HttpApi.API;
import static aios.api.http.HttpApi.id;
import static aios.api.http.HttpApi.retryAfter;
import static aios.api.http.HttpApi.send;
import static aios.api.http.HttpApi.status;

import aios.api.http.AsyncReplies.Reply;
import aios.kernel.api.AgentInfo;
import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import aios.kernel.api.agent.AgentDescription;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentRunner;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The native API under {@code /api/v1} (but its streams, in {@link StreamRoutes}): syscalls and their results, agents,
 * agent processes, queues and their policies, and API tokens. The JSON shapes are {@link NativeSyscalls}'.
 */
final class NativeRoutes {

    private final HttpApi api;
    private final AsyncReplies replies;

    NativeRoutes(HttpApi api, AsyncReplies replies) {
        this.api = api;
        this.replies = replies;
    }

    // ---------------------------------------------------------------- syscalls

    void submitSyscall(Request r) throws IOException {
        ObjectNode body = r.json();
        String agent = Json.optionalText(body, "agent", "");
        if (agent == null) {
            if (r.caller instanceof Caller.Agent a) {
                agent = a.name();
            } else {
                throw ApiException.badRequest("agent is missing: give the name of the agent the syscall runs for");
            }
        }
        api.requireMayActAs(r.caller, agent);
        Kernel k = api.kernel();
        Syscall call = NativeSyscalls.parse(body, agent);
        api.register(k, agent);
        SyscallHandle h;
        try {
            h = k.submit(call);
        } catch (SyscallRejectedException e) {
            throw new ApiException(status(e.reason()), e.getMessage(), retryAfter(e.reason()),
                    Map.of("reason", e.reason().name()));
        }
        api.submitted().add(h);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", h.id());
        out.put("agent", agent);
        out.put("kind", call.kind());
        out.put("status", h.status().name());
        out.put("status_url", API + "/syscalls/" + h.id());
        out.put("result_url", API + "/syscalls/" + h.id() + "/result");
        if (call instanceof LlmQuery) {
            out.put("tokens_url", API + "/syscalls/" + h.id() + "/tokens");
        }
        r.response.setHeader("Location", API + "/syscalls/" + h.id());
        send(r.response, 202, out);
    }

    private SyscallInfo visibleSyscall(Request r) {
        long id = id(r.param("id"), "a syscall");
        SyscallInfo info = api.kernel().status(id).orElseThrow(() -> ApiException.notFound("no syscall " + id
                + " is known (the kernel keeps the newest history.retained finished ones)"));
        api.requireMayActAs(r.caller, info.agent());
        return info;
    }

    void syscallStatus(Request r) throws IOException {
        send(r.response, 200, NativeSyscalls.info(visibleSyscall(r)));
    }

    void cancelSyscall(Request r) throws IOException {
        SyscallInfo info = visibleSyscall(r);
        boolean cancelled = api.kernel().cancel(info.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", info.id());
        out.put("cancelled", cancelled);
        out.put("status", api.kernel().status(info.id()).map(i -> i.status().name()).orElse(info.status().name()));
        send(r.response, 200, out);
    }

    void syscallResult(Request r) {
        SyscallHandle h = api.visibleHandle(r);
        String waitParam = r.http.getParameter("wait");
        long waitSeconds = 0;
        if (waitParam != null) {
            try {
                waitSeconds = Long.parseLong(waitParam);
            } catch (NumberFormatException e) {
                waitSeconds = -1;
            }
            if (waitSeconds < 0 || waitSeconds > api.config().query_timeout_seconds()) {
                throw ApiException.badRequest("wait='" + waitParam + "' is not accepted: give whole seconds from 0"
                        + " to " + api.config().query_timeout_seconds());
            }
        }
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        if (waitSeconds == 0 || h.result().toCompletableFuture().isDone()) {
            reply.complete(resultReply(h));
        } else {
            h.result().toCompletableFuture().completeOnTimeout(null, waitSeconds, TimeUnit.SECONDS)
                    .whenComplete((x, e) -> reply.complete(resultReply(h)));
        }
        replies.reply(r, reply, List.of(h));
    }

    static Reply resultReply(SyscallHandle h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", h.id());
        out.put("status", h.status().name());
        CompletableFuture<SyscallResult> f = h.result().toCompletableFuture();
        SyscallResult result = null;
        String error = null;
        if (f.isDone()) {
            try {
                result = f.join();
            } catch (CancellationException e) {
                error = "the syscall was cancelled before it finished";
            } catch (CompletionException e) {
                error = unwrap(e).getMessage();
            }
        }
        out.put("result", result == null ? null : NativeSyscalls.result(result));
        out.put("error", error);
        out.putAll(NativeSyscalls.timings(h.timings()));
        return new Reply(f.isDone() ? 200 : 202, out);
    }

    // ---------------------------------------------------------------- agents and processes

    void agents(Request r) throws IOException {
        AgentRunner run = api.runner;
        List<Map<String, Object>> installed = new ArrayList<>();
        if (run != null) {
            for (AgentDescription d : run.agents()) {
                installed.add(Map.of("name", d.name(), "description", d.description()));
            }
        }
        List<Map<String, Object>> registered = new ArrayList<>();
        for (AgentInfo a : api.kernel().agents()) {
            if (r.caller.mayActAs(a.name())) {
                registered.add(NativeSyscalls.agent(a));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("installed", installed);
        out.put("registered", registered);
        send(r.response, 200, out);
    }

    void registerAgent(Request r) throws IOException {
        String name = r.param("name");
        api.requireMayActAs(r.caller, name);
        Kernel k = api.kernel();
        try {
            send(r.response, 200, NativeSyscalls.agent(k.register(name)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("agent name '" + name + "' is not accepted: " + e.getMessage());
        }
    }

    void startProcess(Request r) throws IOException {
        ObjectNode body = r.json();
        String agent = Json.requiredText(body, "agent", "");
        String input = Json.optionalText(body, "input", "");
        AgentRunner run = api.runner();
        api.requireMayActAs(r.caller, agent);
        AgentProcess p = api.start(run, agent, input);
        r.response.setHeader("Location", API + "/processes/" + p.id());
        send(r.response, 202, NativeSyscalls.process(p));
    }

    void processes(Request r) throws IOException {
        send(r.response, 200, Map.of("processes", api.visibleProcesses(r.caller)));
    }

    void process(Request r) throws IOException {
        send(r.response, 200, NativeSyscalls.process(api.visibleProcess(r)));
    }

    void killProcess(Request r) throws IOException {
        AgentProcess p = api.visibleProcess(r);
        boolean killed;
        try {
            killed = api.runner().kill(p.id());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("killed", killed);
        out.put("process", NativeSyscalls.process(api.runner().process(p.id()).orElse(p)));
        send(r.response, 200, out);
    }

    // ---------------------------------------------------------------- queues, policies, tokens

    Map<String, Object> queues() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (QueueInfo q : api.kernel().queues()) {
            list.add(NativeSyscalls.queue(q));
        }
        return Map.of("queues", list);
    }

    Map<String, Object> policies() {
        Kernel k = api.kernel();
        Map<String, Object> queuePolicies = new LinkedHashMap<>();
        for (QueueInfo q : k.queues()) {
            queuePolicies.put(q.resource().id(), q.policy());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policies", new TreeMap<>(k.policies()));
        out.put("queues", queuePolicies);
        return out;
    }

    void switchPolicy(Request r) throws IOException {
        Resource resource;
        try {
            resource = Resource.parse(r.param("resource"));
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        ObjectNode body = r.json();
        String policy = Json.requiredText(body, "policy", "");
        Map<String, String> parameters = Json.stringMap(Json.optionalObject(body, "parameters", ""));
        try {
            QueueInfo after = api.kernel().switchPolicy(resource, policy, parameters);
            api.log().info("HTTP API: the operator switched queue {} to policy {} {}", resource.id(), policy,
                    parameters);
            send(r.response, 200, NativeSyscalls.queue(after));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    void issueToken(Request r) throws IOException {
        ObjectNode body = r.json();
        Boolean operator = Json.optionalBoolean(body, "operator", "");
        String agent = Json.optionalText(body, "agent", "");
        if ((agent == null) == (operator == null || !operator)) {
            throw ApiException.badRequest("give either \"agent\": NAME (a token that acts as that agent) or"
                    + " \"operator\": true");
        }
        Principal principal;
        if (agent != null) {
            api.register(api.kernel(), agent); // a token is issued only for an agent the kernel knows
            principal = Principal.ofAgent(agent);
        } else {
            principal = Principal.ofOperator();
        }
        Tokens.Issued issued;
        try {
            issued = api.tokens().issue(principal);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new ApiException(503, e.getMessage());
        }
        api.log().info("HTTP API: the operator issued API token {} for {}", issued.info().id(), principal);
        Map<String, Object> out = tokenJson(issued.info());
        out.put("token", issued.token());
        send(r.response, 201, out);
    }

    private static Map<String, Object> tokenJson(Tokens.Info info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", info.id());
        m.put("principal", info.principal().toString());
        m.put("agent", info.principal().agent());
        m.put("created", info.created().toString());
        return m;
    }

    void listTokens(Request r) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        try {
            for (Tokens.Info info : api.tokens().list()) {
                list.add(tokenJson(info));
            }
        } catch (IllegalStateException e) {
            throw new ApiException(503, e.getMessage());
        }
        send(r.response, 200, Map.of("tokens", list));
    }

    void revokeToken(Request r) throws IOException {
        String id = r.param("id");
        boolean revoked;
        try {
            revoked = api.tokens().revoke(id);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new ApiException(503, e.getMessage());
        }
        if (!revoked) {
            throw ApiException.notFound("no API token " + id + " is issued: GET " + API + "/tokens lists them");
        }
        api.log().info("HTTP API: the operator revoked API token {}", id);
        send(r.response, 200, Map.of("id", id, "revoked", true));
    }
}
