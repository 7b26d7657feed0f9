package aios.api.http;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.Timings;
import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import aios.kernel.api.agent.AgentDescription;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentRunner;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.memory.MemoryManager;
import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.tool.ToolManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.servlet.AsyncContext;
import javax.servlet.AsyncEvent;
import javax.servlet.AsyncListener;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardServletPattern;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The kernel over HTTP: one servlet on the HTTP whiteboard that serves the native JSON API under {@code /api/v1/} and
 * the AIOS/Cerebrum-compatible endpoints ({@code /query}, {@code /agents/…}, {@code /core/…}, {@code /status}).
 *
 * <p><b>Who may do what.</b> A request carries an API token of the {@link Tokens} service in
 * {@code Authorization: Bearer TOKEN}, or as the path prefix {@code /t/TOKEN/} (Cerebrum clients send no headers, so
 * their base URL carries it). Without a token only {@code /status}, {@code /core/status}, {@code /core/llms/list}
 * and the OpenAPI description are served. An agent's token acts only as that agent; the operator's as any agent, and
 * it alone changes the kernel (policies, tokens). Without a {@code Tokens} service every request that needs a token is
 * refused with 503. Each client (token, or address without one) may make {@code rate.per.second} requests per second
 * with bursts of {@code rate.burst}; bodies over {@code max.body.bytes} are refused unread. Every error is a JSON
 * object {@code {"error": …, "status": N}}.
 *
 * <p><b>Threads.</b> Requests that wait for a syscall are asynchronous: the servlet thread returns at once and the
 * answer is written, when the syscall ends, on a virtual thread of this component. Each event stream has a virtual
 * thread of its own. Event Admin delivers to the streams' handlers directly: they only queue.
 */
@Component(service = Servlet.class, configurationPid = HttpApi.PID, immediate = true)
@HttpWhiteboardServletPattern("/*")
@HttpWhiteboardServletAsyncSupported
@Designate(ocd = HttpApiConfig.class)
public final class HttpApi extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String PID = "aios.http";
    static final String API = "/api/v1";

    /** Agent names as the kernel accepts them (Kernel.register), and nothing else in an event filter. */
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern TOPIC = Pattern.compile("aios(/[A-Za-z0-9_.-]+)*(/\\*)?");
    private static final String BEARER = "Bearer ";

    @Reference(service = LoggerFactory.class)
    private transient Logger log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile Kernel kernel;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile AgentRunner runner;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile MemoryManager memory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile StorageManager storage;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private transient volatile ToolManager tools;

    private transient volatile Tokens tokens;

    /** A model backend with its name ({@link LlmBackend#NAME}). */
    private record Backend(LlmBackend backend, String name) {
    }

    private final transient List<Backend> backends = new CopyOnWriteArrayList<>();

    private transient volatile HttpApiConfig config;
    private transient volatile RateLimiter limiter;
    private transient volatile SubmittedSyscalls submitted;
    private transient BundleContext context;
    private transient ExecutorService threads;
    private transient volatile boolean active;
    private transient Path operatorTokenFile;
    private transient PrintStream announce;
    private final transient Object operatorTokenLock = new Object();
    private transient boolean operatorTokenChecked;
    private final transient Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final transient AtomicInteger openStreams = new AtomicInteger();
    private final transient Set<String> fallbackModelsLogged = ConcurrentHashMap.newKeySet();
    private transient List<Route> routes;
    private transient byte[] openApi;

    @Activate
    void activate(BundleContext context, HttpApiConfig config) {
        this.context = context;
        configure(config);
        this.submitted = new SubmittedSyscalls(config.results_retained());
        this.threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aios-http-", 0).factory());
        String data = context.getProperty("aios.data");
        this.operatorTokenFile = Path.of(data == null ? "data" : data).resolve(OperatorToken.FILE).toAbsolutePath()
                .normalize();
        String script = context.getProperty("aios.script");
        this.announce = script == null || script.isBlank() ? System.out : System.err;
        this.routes = routes();
        this.openApi = readOpenApi();
        this.active = true;
        Tokens t = tokens;
        if (t != null) {
            ensureOperatorToken(t);
        }
    }

    @Modified
    void modified(HttpApiConfig config) {
        configure(config);
    }

    private void configure(HttpApiConfig config) {
        RateLimiter l;
        try {
            l = new RateLimiter(config.rate_per_second(), config.rate_burst(), System::nanoTime);
        } catch (IllegalArgumentException e) {
            log.error("{} in {}; the previous limits stay (defaults at start)", e.getMessage(), PID);
            if (limiter == null) {
                limiter = new RateLimiter(50, 200, System::nanoTime);
            }
            return;
        }
        if (!config.cerebrum_unknown_model().equals("default") && !config.cerebrum_unknown_model().equals("refuse")) {
            log.error("cerebrum.unknown.model='{}' in {} is not accepted: use default or refuse; 'default' applies",
                    config.cerebrum_unknown_model(), PID);
        }
        this.limiter = l;
        this.config = config;
    }

    @Deactivate
    void deactivate() {
        active = false;
        for (EventStream s : streams) {
            s.close("the HTTP API is stopping");
        }
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindTokens(Tokens t) {
        tokens = t;
        if (active) {
            ensureOperatorToken(t);
        }
    }

    void unbindTokens(Tokens t) {
        if (tokens == t) {
            tokens = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBackend(LlmBackend backend, Map<String, Object> properties) {
        Object name = properties.get(LlmBackend.NAME);
        backends.add(new Backend(backend, name == null ? "unnamed" : name.toString()));
    }

    void unbindBackend(LlmBackend backend) {
        backends.removeIf(b -> b.backend() == backend);
    }

    /** Once per activation with a Tokens service: the operator token file exists and holds a valid token. */
    private void ensureOperatorToken(Tokens t) {
        synchronized (operatorTokenLock) {
            if (operatorTokenChecked) {
                return;
            }
            operatorTokenChecked = true;
        }
        OperatorToken.ensure(operatorTokenFile, t, announce, log);
    }

    // ---------------------------------------------------------------- dispatch

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            dispatch(req, resp);
        } catch (IOException e) {
            log.debug("{} {}: the client went away: {}", req.getMethod(), req.getRequestURI(), e.toString());
        } catch (ApiException e) {
            error(resp, e);
        } catch (IllegalArgumentException e) {
            error(resp, ApiException.badRequest(e.getMessage()));
        } catch (Exception e) {
            log.error("the HTTP API failed on {} {}: {}", req.getMethod(), req.getRequestURI(), e.toString(), e);
            error(resp, new ApiException(500, "the kernel's HTTP API failed on this request: " + e
                    + " (the kernel log has the details)"));
        }
    }

    private void dispatch(HttpServletRequest req, HttpServletResponse resp) throws Exception {
        String uri = req.getRequestURI();
        String path = uri.isEmpty() ? "/" : uri;
        String token = null;
        if (path.startsWith("/t/")) {
            int end = path.indexOf('/', 3);
            token = end < 0 ? path.substring(3) : path.substring(3, end);
            path = end < 0 ? "/" : path.substring(end);
        }
        String header = req.getHeader("Authorization");
        if (header != null) {
            if (!header.startsWith(BEARER) || header.length() == BEARER.length()) {
                throw new ApiException(401, "the Authorization header must be 'Bearer TOKEN'");
            }
            String fromHeader = header.substring(BEARER.length()).strip();
            if (token != null && !token.equals(fromHeader)) {
                throw new ApiException(401, "two different tokens were sent (the path prefix /t/… and the"
                        + " Authorization header): send one");
            }
            token = fromHeader;
        }
        List<String> segments = List.of(path.substring(1).split("/", -1));
        Route route = null;
        Map<String, String> params = null;
        List<String> allowed = new ArrayList<>();
        for (Route r : routes) {
            Map<String, String> p = r.match(segments);
            if (p != null) {
                if (r.method().equals(req.getMethod())) {
                    route = r;
                    params = p;
                    break;
                }
                allowed.add(r.method());
            }
        }
        Caller caller = authenticate(token, req, route);
        long wait = limiter.acquire(caller.rateKey());
        if (wait > 0) {
            throw new ApiException(429, "too many requests from " + caller.describe() + ": at most "
                    + config.rate_per_second() + " per second (bursts of " + config.rate_burst()
                    + "; rate.per.second and rate.burst in aios.http); retry in " + wait + " s", wait, null);
        }
        if (route == null) {
            if (!allowed.isEmpty()) {
                resp.setHeader("Allow", String.join(", ", allowed));
                throw new ApiException(405, req.getMethod() + " is not allowed on " + path + ": use "
                        + String.join(" or ", allowed));
            }
            throw ApiException.notFound("no endpoint " + req.getMethod() + " " + path + ": the native API is under "
                    + API + "/ (described at " + API + "/openapi.json); the AIOS-compatible endpoints are /query,"
                    + " /agents/submit, /agents/ID/status, /agents/ps, /core/status, /core/llms/list and /status");
        }
        switch (route.access()) {
            case OPEN -> {
            }
            case TOKEN, OPERATOR -> {
                if (caller instanceof Caller.Anonymous) {
                    if (tokens == null) {
                        throw noTokens();
                    }
                    throw new ApiException(401, req.getMethod() + " " + path + " needs an API token: send"
                            + " 'Authorization: Bearer TOKEN', or put it in the path (/t/TOKEN" + path + "); the"
                            + " operator's token is in " + operatorTokenFile + ", agents' tokens are made with"
                            + " acl:token create AGENT or POST " + API + "/tokens");
                }
                if (route.access() == Route.Access.OPERATOR && !(caller instanceof Caller.Operator)) {
                    throw ApiException.forbidden(req.getMethod() + " " + path + " is for the operator only; "
                            + caller.describe() + "'s token cannot do it");
                }
            }
        }
        route.handler().handle(new Request(req, resp, caller, params, config.max_body_bytes()));
    }

    /**
     * Who sent the request. A token that is not valid is refused (401) whatever the route, so that a client with a
     * wrong token finds out; one that is valid counts also on open routes (for its rate limit).
     */
    private Caller authenticate(String token, HttpServletRequest req, Route route) {
        Caller.Anonymous anonymous = new Caller.Anonymous(req.getRemoteAddr());
        if (token == null) {
            return anonymous;
        }
        Tokens t = tokens;
        if (t == null) {
            if (route != null && route.access() == Route.Access.OPEN) {
                return anonymous;
            }
            throw noTokens();
        }
        Optional<Principal> who = t.authenticate(token);
        if (who.isEmpty()) {
            limiter.acquire(anonymous.rateKey()); // guesses count against the address
            throw new ApiException(401, "the API token is not valid (unknown, or revoked): check it, or ask the"
                    + " operator for a new one (acl:token create AGENT)");
        }
        return Caller.of(who.get());
    }

    private ApiException noTokens() {
        return new ApiException(503, "no API tokens can be checked: no Tokens service is installed (it comes with the"
                + " access manager, bundle aios.manager.access); requests that need a token are refused until it is");
    }

    private static void error(HttpServletResponse resp, ApiException e) throws IOException {
        if (resp.isCommitted()) {
            return; // a stream already answered; nothing more can be said
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("status", e.status());
        if (e.details() != null) {
            body.put("details", e.details());
        }
        if (e.retryAfterSeconds() > 0) {
            resp.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        send(resp, e.status(), body);
    }

    private static void send(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("application/json;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        try (OutputStream out = resp.getOutputStream()) {
            out.write(bytes);
        }
    }

    // ---------------------------------------------------------------- the routes

    private List<Route> routes() {
        Route.Access open = Route.Access.OPEN;
        Route.Access token = Route.Access.TOKEN;
        Route.Access operator = Route.Access.OPERATOR;
        return List.of(
                // AIOS / Cerebrum
                new Route("GET", "/status", open, r -> send(r.response, 200, status())),
                new Route("GET", "/core/status", open, r -> send(r.response, 200, coreStatus())),
                new Route("GET", "/core/llms/list", open, r -> send(r.response, 200, llmList())),
                new Route("POST", "/query", token, this::query),
                new Route("POST", "/agents/submit", token, this::cerebrumSubmit),
                new Route("GET", "/agents/{id}/status", token, this::cerebrumAgentStatus),
                new Route("GET", "/agents/ps", token, this::cerebrumPs),
                // native
                new Route("GET", API + "/status", open, r -> send(r.response, 200, status())),
                new Route("GET", API + "/openapi.json", open, this::openApi),
                new Route("POST", API + "/syscalls", token, this::submitSyscall),
                new Route("GET", API + "/syscalls/{id}", token, this::syscallStatus),
                new Route("DELETE", API + "/syscalls/{id}", token, this::cancelSyscall),
                new Route("GET", API + "/syscalls/{id}/result", token, this::syscallResult),
                new Route("GET", API + "/syscalls/{id}/tokens", token, this::tokenStream),
                new Route("GET", API + "/events", token, this::eventStream),
                new Route("GET", API + "/agents", token, this::agents),
                new Route("PUT", API + "/agents/{name}", token, this::registerAgent),
                new Route("POST", API + "/processes", token, this::startProcess),
                new Route("GET", API + "/processes", token, this::processes),
                new Route("GET", API + "/processes/{id}", token, this::process),
                new Route("DELETE", API + "/processes/{id}", token, this::killProcess),
                new Route("GET", API + "/queues", token, r -> send(r.response, 200, queues())),
                new Route("GET", API + "/policies", token, r -> send(r.response, 200, policies())),
                new Route("PUT", API + "/queues/{resource}/policy", operator, this::switchPolicy),
                new Route("POST", API + "/tokens", operator, this::issueToken),
                new Route("GET", API + "/tokens", operator, this::listTokens),
                new Route("DELETE", API + "/tokens/{id}", operator, this::revokeToken));
    }

    // ---------------------------------------------------------------- services

    private Kernel kernel() {
        Kernel k = kernel;
        if (k == null) {
            throw new ApiException(503, "the kernel is not running: no Kernel service (bundle aios.kernel.core) is"
                    + " installed and active");
        }
        return k;
    }

    private AgentRunner runner() {
        AgentRunner r = runner;
        if (r == null) {
            throw new ApiException(503, "agents cannot be run: no AgentRunner service (bundle aios.sdk) is installed"
                    + " and active");
        }
        return r;
    }

    private Tokens tokens() {
        Tokens t = tokens;
        if (t == null) {
            throw noTokens();
        }
        return t;
    }

    /** Registers the agent (registering again is harmless); a name the kernel does not accept is a 400. */
    private void register(Kernel k, String agent) {
        try {
            k.register(agent);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("agent name '" + agent + "' is not accepted: " + e.getMessage());
        }
    }

    private void requireMayActAs(Caller caller, String agent) {
        if (!caller.mayActAs(agent)) {
            throw ApiException.forbidden(caller.describe() + "'s token may act only as that agent, not as '" + agent
                    + "': use that agent's own token (or the operator's)");
        }
    }

    // ---------------------------------------------------------------- status

    private Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", kernel != null ? "ok" : "degraded");
        m.put("kernel", kernel != null ? "running" : "not running (no Kernel service: bundle aios.kernel.core)");
        m.put("tokens", tokens != null ? "available" : "unavailable (no Tokens service: bundle aios.manager.access)");
        m.put("api", API);
        m.put("openapi", API + "/openapi.json");
        HttpApiConfig c = config;
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("max_body_bytes", c.max_body_bytes());
        limits.put("rate_per_second", c.rate_per_second());
        limits.put("rate_burst", c.rate_burst());
        m.put("limits", limits);
        return m;
    }

    /** Which parts run, with AIOS's names for them. */
    private Map<String, Object> coreStatus() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("llms", backends.isEmpty() ? "inactive" : "active");
        m.put("storage", storage == null ? "inactive" : "active");
        m.put("memory", memory == null ? "inactive" : "active");
        m.put("tool", tools == null ? "inactive" : "active");
        m.put("scheduler", kernel == null ? "inactive" : "active");
        m.put("factory", runner == null ? "inactive" : "active");
        return m;
    }

    private Map<String, Object> llmList() {
        List<Map<String, Object>> llms = new ArrayList<>();
        for (Backend b : backends) {
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
            out.put("message", backends.isEmpty() ? "no LLM backend is installed" : "the LLM backends serve no model"
                    + " now (llm:models in the shell says why)");
        }
        out.put("llms", llms);
        return out;
    }

    private List<String> safeModels(Backend b) {
        try {
            return b.backend().models();
        } catch (RuntimeException e) {
            log.warn("LLM backend {} could not list its models: {}", b.name(), e.toString());
            return List.of();
        }
    }

    /** The model a Cerebrum query names, if a backend serves it; otherwise the default or a refusal. */
    private String resolveModel(String requested) {
        if (requested == null || requested.isBlank()) {
            return null;
        }
        List<String> served = new ArrayList<>();
        for (Backend b : backends) {
            served.addAll(safeModels(b));
        }
        if (served.contains(requested)) {
            return requested;
        }
        if ("refuse".equals(config.cerebrum_unknown_model())) {
            throw ApiException.badRequest("model '" + requested + "' is not served by this kernel: the models served"
                    + " are " + (served.isEmpty() ? "none" : String.join(", ", served))
                    + " (or set cerebrum.unknown.model=default in aios.http to run such queries on the default model)");
        }
        if (fallbackModelsLogged.add(requested)) {
            log.info("Cerebrum queries naming model '{}', which no backend serves, run on the default model"
                    + " (cerebrum.unknown.model=default in {})", requested, PID);
        }
        return null;
    }

    private void openApi(Request r) throws IOException {
        r.response.setStatus(200);
        r.response.setContentType("application/json;charset=utf-8");
        r.response.setContentLength(openApi.length);
        try (OutputStream out = r.response.getOutputStream()) {
            out.write(openApi);
        }
    }

    private static byte[] readOpenApi() {
        try (InputStream in = HttpApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the bundle aios.api.http");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read openapi.json from the bundle: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- Cerebrum: /query

    /**
     * Cerebrum's {@code send_request}: {@code {"agent_name", "query_type", "query_data"}} in, {@code {"response",
     * "start_times", "end_times", "waiting_times", "turnaround_times"}} out. A query refused by the kernel (access,
     * limits, no service) is an HTTP error with the Cerebrum-shaped response in {@code details}; one that ran and
     * failed is answered 200 with the error in {@code response.error}, as Cerebrum's responses carry it.
     */
    private void query(Request r) throws IOException {
        ObjectNode body = r.json();
        String agent = kernelAgent(Json.requiredText(body, "agent_name", ""));
        String type = Json.requiredText(body, "query_type", "");
        if (!CerebrumQueries.TYPES.contains(type)) {
            throw ApiException.badRequest("query_type '" + type + "' is not known: use one of "
                    + String.join(", ", CerebrumQueries.TYPES));
        }
        ObjectNode data = Json.requiredObject(body, "query_data", "");
        requireMayActAs(r.caller, agent);
        Kernel k = kernel();
        CerebrumQueries.Plan plan = CerebrumQueries.plan(agent, type, data, this::resolveModel);
        register(k, agent);
        List<SyscallHandle> handles = Collections.synchronizedList(new ArrayList<>());
        CompletionStage<Map<String, Object>> response;
        try {
            response = run(k, plan, handles);
        } catch (SyscallRejectedException e) {
            throw refused(type, e, handles);
        }
        reply(r, response.handle((ok, failure) -> {
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
        submitted.add(h);
        return h;
    }

    private static List<Timings> timings(List<SyscallHandle> handles) {
        synchronized (handles) {
            return handles.stream().map(SyscallHandle::timings).toList();
        }
    }

    private static List<Long> ids(List<SyscallHandle> handles) {
        synchronized (handles) {
            return handles.stream().map(SyscallHandle::id).toList();
        }
    }

    private ApiException refused(String type, SyscallRejectedException e, List<SyscallHandle> handles) {
        int status = status(e.reason());
        return new ApiException(status, e.getMessage(), retryAfter(e.reason()), CerebrumResponses.answer(
                CerebrumResponses.failure(type, e.getMessage(), status), timings(handles), ids(handles)));
    }

    /** The HTTP status of a refusal at submit. */
    static int status(SyscallRejectedException.Reason reason) {
        return switch (reason) {
            case ACCESS_DENIED -> 403;
            case UNKNOWN_AGENT -> 404;
            case DEADLINE_UNREACHABLE -> 409;
            case LIMIT_EXCEEDED -> 429;
            case QUEUE_FULL, NO_SERVICE, SHUTTING_DOWN -> 503;
        };
    }

    private static long retryAfter(SyscallRejectedException.Reason reason) {
        return reason == SyscallRejectedException.Reason.QUEUE_FULL ? 1 : 0;
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** An answer written when a stage completes. */
    private record Reply(int status, Object body) {
    }

    /**
     * Answers asynchronously: the servlet thread returns, the reply is written on a virtual thread when the stage
     * completes, or a 504 when {@code query.timeout.seconds} pass first (the syscalls go on).
     */
    private void reply(Request r, CompletionStage<Reply> stage, List<SyscallHandle> handles) {
        AsyncContext async = r.http.startAsync();
        long timeoutMs = config.query_timeout_seconds() * 1000L;
        async.setTimeout(timeoutMs + 5_000); // the container's own timeout is only a backstop
        AtomicBoolean answered = new AtomicBoolean();
        HttpServletResponse resp = r.response;
        async.addListener(new AsyncListener() {
            public void onComplete(AsyncEvent event) {
            }

            public void onTimeout(AsyncEvent event) {
                finish(answered, async, resp, timeoutReply(handles, timeoutMs));
            }

            public void onError(AsyncEvent event) {
                answered.set(true); // the client is gone
            }

            public void onStartAsync(AsyncEvent event) {
            }
        });
        stage.toCompletableFuture().orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .whenCompleteAsync((reply, failure) -> {
                    Throwable cause = failure == null ? null : unwrap(failure);
                    if (cause instanceof TimeoutException) {
                        finish(answered, async, resp, timeoutReply(handles, timeoutMs));
                    } else if (cause instanceof ApiException e) {
                        finish(answered, async, resp, e);
                    } else if (cause != null) {
                        log.error("the HTTP API failed answering {}: {}", r.http.getRequestURI(), cause.toString(),
                                cause);
                        finish(answered, async, resp, new ApiException(500, "the kernel's HTTP API failed on this"
                                + " request: " + cause + " (the kernel log has the details)"));
                    } else {
                        finish(answered, async, resp, reply);
                    }
                }, threads);
    }

    private ApiException timeoutReply(List<SyscallHandle> handles, long timeoutMs) {
        return new ApiException(504, "the syscall did not finish within " + timeoutMs / 1000 + " s"
                + " (query.timeout.seconds in aios.http); it goes on: see " + API + "/syscalls/ID for ids "
                + ids(handles));
    }

    private void finish(AtomicBoolean answered, AsyncContext async, HttpServletResponse resp, Object what) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        try {
            if (what instanceof ApiException e) {
                error(resp, e);
            } else if (what instanceof Reply reply) {
                send(resp, reply.status(), reply.body());
            }
        } catch (IOException | RuntimeException e) {
            log.debug("could not write an HTTP answer (the client may be gone): {}", e.toString());
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // completed by the container already (timeout or error)
            }
        }
    }

    // ---------------------------------------------------------------- Cerebrum: agents

    private void cerebrumSubmit(Request r) throws IOException {
        ObjectNode body = r.json();
        String id = Json.requiredText(body, "agent_id", "");
        ObjectNode agentConfig = Json.optionalObject(body, "agent_config", "");
        String task = agentConfig == null ? null : Json.optionalText(agentConfig, "task", "agent_config");
        AgentRunner run = runner();
        String agent = installedAgent(run, id);
        requireMayActAs(r.caller, agent);
        AgentProcess p = start(run, agent, task);
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

    private static AgentProcess start(AgentRunner run, String agent, String input) {
        try {
            return run.start(agent, input);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(503, e.getMessage());
        }
    }

    private void cerebrumAgentStatus(Request r) throws IOException {
        AgentProcess p = visibleProcess(r);
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

    private void cerebrumPs(Request r) throws IOException {
        List<Map<String, Object>> list = visibleProcesses(r.caller);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "success");
        out.put("count", list.size());
        out.put("processes", list);
        send(r.response, 200, out);
    }

    // ---------------------------------------------------------------- native: syscalls

    private void submitSyscall(Request r) throws IOException {
        ObjectNode body = r.json();
        String agent = Json.optionalText(body, "agent", "");
        if (agent == null) {
            if (r.caller instanceof Caller.Agent a) {
                agent = a.name();
            } else {
                throw ApiException.badRequest("agent is missing: give the name of the agent the syscall runs for");
            }
        }
        requireMayActAs(r.caller, agent);
        Kernel k = kernel();
        Syscall call = NativeSyscalls.parse(body, agent);
        register(k, agent);
        SyscallHandle h;
        try {
            h = k.submit(call);
        } catch (SyscallRejectedException e) {
            throw new ApiException(status(e.reason()), e.getMessage(), retryAfter(e.reason()),
                    Map.of("reason", e.reason().name()));
        }
        submitted.add(h);
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

    private static long id(String text, String what) {
        String digits = text.startsWith("p") ? text.substring(1) : text;
        try {
            long id = Long.parseLong(digits);
            if (id < 1) {
                throw new NumberFormatException();
            }
            return id;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("'" + text + "' is not " + what + " id: give a whole number such as 42");
        }
    }

    private SyscallInfo visibleSyscall(Request r) {
        long id = id(r.param("id"), "a syscall");
        SyscallInfo info = kernel().status(id).orElseThrow(() -> ApiException.notFound("no syscall " + id
                + " is known (the kernel keeps the newest history.retained finished ones)"));
        requireMayActAs(r.caller, info.agent());
        return info;
    }

    private void syscallStatus(Request r) throws IOException {
        send(r.response, 200, NativeSyscalls.info(visibleSyscall(r)));
    }

    private void cancelSyscall(Request r) throws IOException {
        SyscallInfo info = visibleSyscall(r);
        boolean cancelled = kernel().cancel(info.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", info.id());
        out.put("cancelled", cancelled);
        out.put("status", kernel().status(info.id()).map(i -> i.status().name()).orElse(info.status().name()));
        send(r.response, 200, out);
    }

    /** The handle of a syscall submitted over HTTP, if the caller may see it. */
    private SyscallHandle visibleHandle(Request r) {
        long id = id(r.param("id"), "a syscall");
        SyscallHandle h = submitted.get(id);
        if (h == null) {
            Kernel k = kernel;
            boolean known = k != null && k.status(id).isPresent();
            throw ApiException.notFound(known ? "syscall " + id + " was not submitted over HTTP, or its result is no"
                    + " longer kept (results.retained in aios.http): its status is at " + API + "/syscalls/" + id
                    : "no syscall " + id + " was submitted over HTTP");
        }
        requireMayActAs(r.caller, h.syscall().agent());
        return h;
    }

    private void syscallResult(Request r) {
        SyscallHandle h = visibleHandle(r);
        String waitParam = r.http.getParameter("wait");
        long waitSeconds = 0;
        if (waitParam != null) {
            try {
                waitSeconds = Long.parseLong(waitParam);
            } catch (NumberFormatException e) {
                waitSeconds = -1;
            }
            if (waitSeconds < 0 || waitSeconds > config.query_timeout_seconds()) {
                throw ApiException.badRequest("wait='" + waitParam + "' is not accepted: give whole seconds from 0"
                        + " to " + config.query_timeout_seconds());
            }
        }
        CompletableFuture<Reply> reply = new CompletableFuture<>();
        if (waitSeconds == 0 || h.result().toCompletableFuture().isDone()) {
            reply.complete(resultReply(h));
        } else {
            h.result().toCompletableFuture().completeOnTimeout(null, waitSeconds, TimeUnit.SECONDS)
                    .whenComplete((x, e) -> reply.complete(resultReply(h)));
        }
        reply(r, reply, List.of(h));
    }

    private static Reply resultReply(SyscallHandle h) {
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

    // ---------------------------------------------------------------- native: streams

    private void eventStream(Request r) throws IOException {
        String[] topics = r.http.getParameterValues("topic");
        if (topics == null || topics.length == 0) {
            topics = new String[] {"aios/*"};
        }
        for (String t : topics) {
            if (!TOPIC.matcher(t).matches()) {
                throw ApiException.badRequest("topic '" + t + "' is not accepted: give a kernel topic such as"
                        + " aios/syscall/COMPLETED or aios/syscall/* (the topics are listed in README, How a syscall"
                        + " runs)");
            }
        }
        String agent = r.http.getParameter("agent");
        if (agent != null && !AGENT_NAME.matcher(agent).matches()) {
            throw ApiException.badRequest("agent '" + agent + "' is not an agent name (letters, digits, '.', '_',"
                    + " '-', at most 64)");
        }
        if (r.caller instanceof Caller.Agent a) {
            if (agent != null && !agent.equals(a.name())) {
                requireMayActAs(r.caller, agent);
            }
            agent = a.name(); // an agent sees only its own events
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, topics);
        if (agent != null) {
            props.put(EventConstants.EVENT_FILTER, "(" + KernelEvents.AGENT + "=" + agent + ")");
        }
        stream(r, new EventStream(config.stream_buffer()), props, null);
    }

    /**
     * An LLM syscall's progress and text as server-sent events: {@code status} now, then as they come the kernel's
     * events of the syscall ({@code aios/syscall/STARTED}, {@code …/PREEMPTED} with the tokens so far, …) and
     * {@code text} events with the text generated since the last one ({@link Kernel#followText}; joined they are the
     * result's text), then {@code done} with the result or error.
     */
    private void tokenStream(Request r) throws IOException {
        SyscallHandle h = visibleHandle(r);
        if (!(h.syscall() instanceof LlmQuery)) {
            throw ApiException.badRequest("syscall " + h.id() + " is a " + h.syscall().kind() + " syscall: only LLM"
                    + " syscalls have tokens to stream");
        }
        Kernel k = kernel();
        EventStream s = new EventStream(config.stream_buffer());
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {"aios/syscall/*"});
        props.put(EventConstants.EVENT_FILTER, "(" + KernelEvents.ID + "=" + h.id() + ")");
        stream(r, s, props, () -> {
            s.offer(new EventStream.Item("status", Map.of("id", h.id(), "status", h.status().name()), false));
            StringBuilder sent = new StringBuilder(); // guarded by itself: written by a kernel worker, read at the end
            if (!h.result().toCompletableFuture().isDone()) {
                try {
                    s.feedBy(k.followText(h.id(), piece -> {
                        synchronized (sent) {
                            sent.append(piece);
                        }
                        s.offerText(piece);
                    }));
                } catch (IllegalArgumentException e) {
                    // the handle is not done, so the kernel knows the syscall: a kernel that restarted meanwhile
                    log.warn("syscall {}'s text cannot be followed ({}); the stream sends it when it ends", h.id(),
                            e.getMessage());
                }
            }
            h.result().whenComplete((result, failure) -> {
                Reply done = resultReply(h);
                if (result instanceof LlmResult llm) {
                    String rest;
                    synchronized (sent) {
                        // what the kernel did not deliver: all of it when nothing was followed
                        rest = llm.text().startsWith(sent.toString()) ? llm.text().substring(sent.length()) : "";
                    }
                    if (!rest.isEmpty()) {
                        s.offerText(rest);
                    }
                }
                s.offer(new EventStream.Item("done", done.body(), true));
            });
        });
    }

    private void stream(Request r, EventStream s, Dictionary<String, Object> props, Runnable started)
            throws IOException {
        if (openStreams.incrementAndGet() > config.streams_max()) {
            openStreams.decrementAndGet();
            throw new ApiException(503, "too many event streams are open (streams.max=" + config.streams_max()
                    + " in aios.http): close one, or retry later", 5, null);
        }
        HttpServletResponse resp = r.response;
        resp.setStatus(200);
        resp.setContentType("text/event-stream;charset=utf-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext async = r.http.startAsync();
        async.setTimeout(0);
        ServiceRegistration<EventHandler> registration = context.registerService(EventHandler.class, s, props);
        streams.add(s);
        if (started != null) {
            started.run();
        }
        threads.execute(() -> {
            try (OutputStream out = resp.getOutputStream()) {
                resp.flushBuffer();
                s.run(out);
            } catch (IOException e) {
                log.debug("an event stream's client went away: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                try {
                    s.ended();
                } catch (Exception e) {
                    log.warn("an event stream's source did not stop: {}", e.toString(), e);
                }
                streams.remove(s);
                openStreams.decrementAndGet();
                try {
                    registration.unregister();
                } catch (IllegalStateException e) {
                    // unregistered with the bundle already
                }
                try {
                    async.complete();
                } catch (IllegalStateException e) {
                    // the container ended it already
                }
            }
        });
    }

    // ---------------------------------------------------------------- native: agents and processes

    private void agents(Request r) throws IOException {
        AgentRunner run = runner;
        List<Map<String, Object>> installed = new ArrayList<>();
        if (run != null) {
            for (AgentDescription d : run.agents()) {
                installed.add(Map.of("name", d.name(), "description", d.description()));
            }
        }
        List<Map<String, Object>> registered = new ArrayList<>();
        for (AgentInfo a : kernel().agents()) {
            if (r.caller.mayActAs(a.name())) {
                registered.add(NativeSyscalls.agent(a));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("installed", installed);
        out.put("registered", registered);
        send(r.response, 200, out);
    }

    private void registerAgent(Request r) throws IOException {
        String name = r.param("name");
        requireMayActAs(r.caller, name);
        Kernel k = kernel();
        try {
            send(r.response, 200, NativeSyscalls.agent(k.register(name)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("agent name '" + name + "' is not accepted: " + e.getMessage());
        }
    }

    private void startProcess(Request r) throws IOException {
        ObjectNode body = r.json();
        String agent = Json.requiredText(body, "agent", "");
        String input = Json.optionalText(body, "input", "");
        AgentRunner run = runner();
        requireMayActAs(r.caller, agent);
        AgentProcess p = start(run, agent, input);
        r.response.setHeader("Location", API + "/processes/" + p.id());
        send(r.response, 202, NativeSyscalls.process(p));
    }

    private List<Map<String, Object>> visibleProcesses(Caller caller) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (AgentProcess p : runner().processes()) {
            if (caller.mayActAs(p.agent())) {
                list.add(NativeSyscalls.process(p));
            }
        }
        return list;
    }

    private void processes(Request r) throws IOException {
        send(r.response, 200, Map.of("processes", visibleProcesses(r.caller)));
    }

    private AgentProcess visibleProcess(Request r) {
        long id = id(r.param("id"), "a process");
        AgentProcess p = runner().process(id).orElseThrow(() -> ApiException.notFound("no agent process " + id
                + " is known (finished ones are kept up to processes.retained in aios.agents)"));
        requireMayActAs(r.caller, p.agent());
        return p;
    }

    private void process(Request r) throws IOException {
        send(r.response, 200, NativeSyscalls.process(visibleProcess(r)));
    }

    private void killProcess(Request r) throws IOException {
        AgentProcess p = visibleProcess(r);
        boolean killed;
        try {
            killed = runner().kill(p.id());
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("killed", killed);
        out.put("process", NativeSyscalls.process(runner().process(p.id()).orElse(p)));
        send(r.response, 200, out);
    }

    // ---------------------------------------------------------------- native: queues, policies, tokens

    private Map<String, Object> queues() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (QueueInfo q : kernel().queues()) {
            list.add(NativeSyscalls.queue(q));
        }
        return Map.of("queues", list);
    }

    private Map<String, Object> policies() {
        Kernel k = kernel();
        Map<String, Object> queuePolicies = new LinkedHashMap<>();
        for (QueueInfo q : k.queues()) {
            queuePolicies.put(q.resource().id(), q.policy());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("policies", new TreeMap<>(k.policies()));
        out.put("queues", queuePolicies);
        return out;
    }

    private void switchPolicy(Request r) throws IOException {
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
            QueueInfo after = kernel().switchPolicy(resource, policy, parameters);
            log.info("HTTP API: the operator switched queue {} to policy {} {}", resource.id(), policy, parameters);
            send(r.response, 200, NativeSyscalls.queue(after));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private void issueToken(Request r) throws IOException {
        ObjectNode body = r.json();
        Boolean operator = Json.optionalBoolean(body, "operator", "");
        String agent = Json.optionalText(body, "agent", "");
        if ((agent == null) == (operator == null || !operator)) {
            throw ApiException.badRequest("give either \"agent\": NAME (a token that acts as that agent) or"
                    + " \"operator\": true");
        }
        Principal principal;
        if (agent != null) {
            register(kernel(), agent); // a token is issued only for an agent the kernel knows
            principal = Principal.ofAgent(agent);
        } else {
            principal = Principal.ofOperator();
        }
        Tokens.Issued issued;
        try {
            issued = tokens().issue(principal);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new ApiException(503, e.getMessage());
        }
        log.info("HTTP API: the operator issued API token {} for {}", issued.info().id(), principal);
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

    private void listTokens(Request r) throws IOException {
        List<Map<String, Object>> list = new ArrayList<>();
        try {
            for (Tokens.Info info : tokens().list()) {
                list.add(tokenJson(info));
            }
        } catch (IllegalStateException e) {
            throw new ApiException(503, e.getMessage());
        }
        send(r.response, 200, Map.of("tokens", list));
    }

    private void revokeToken(Request r) throws IOException {
        String id = r.param("id");
        boolean revoked;
        try {
            revoked = tokens().revoke(id);
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            throw new ApiException(503, e.getMessage());
        }
        if (!revoked) {
            throw ApiException.notFound("no API token " + id + " is issued: GET " + API + "/tokens lists them");
        }
        log.info("HTTP API: the operator revoked API token {}", id);
        send(r.response, 200, Map.of("id", id, "revoked", true));
    }
}
