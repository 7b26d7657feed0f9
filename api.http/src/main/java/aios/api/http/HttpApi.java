package aios.api.http;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentRunner;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.memory.MemoryManager;
import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.tool.ToolManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
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
 *
 * <p><b>Where the routes are.</b> This class is the component (references, settings, life cycle), the dispatch (who
 * is calling, the rate limit, which route), the route table, {@code /status} and the OpenAPI description, and what the
 * route groups share (the services, checks of who may act as whom, ids, writing an answer). The handlers are in
 * {@link CerebrumRoutes}, {@link NativeRoutes} and {@link StreamRoutes}; answers that wait are written by
 * {@link AsyncReplies}.
 */
@Component(service = Servlet.class, configurationPid = HttpApi.PID, immediate = true)
@HttpWhiteboardServletPattern("/*")
@HttpWhiteboardServletAsyncSupported
@Designate(ocd = HttpApiConfig.class)
public final class HttpApi extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String PID = "aios.http";
    static final String API = "/api/v1";

    private static final String BEARER = "Bearer ";

    @Reference(service = LoggerFactory.class)
    private transient Logger log;

    // Null while not bound. The route groups read them directly only where a missing service is part of the answer
    // (/core/status, the installed agents); otherwise through kernel() and runner(), which answer 503.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile Kernel kernel;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile AgentRunner runner;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile MemoryManager memory;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile StorageManager storage;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    transient volatile ToolManager tools;

    private transient volatile Tokens tokens;

    /** A model backend with its name ({@link LlmBackend#NAME}). */
    record Backend(LlmBackend backend, String name) {
    }

    final transient List<Backend> backends = new CopyOnWriteArrayList<>();

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
    private transient StreamRoutes streams;
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
        this.streams = new StreamRoutes(this, context, threads);
        AsyncReplies replies = new AsyncReplies(this, threads);
        this.routes = routes(new CerebrumRoutes(this, replies), new NativeRoutes(this, replies), streams);
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
        streams.closeAll("the HTTP API is stopping");
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

    static void error(HttpServletResponse resp, ApiException e) throws IOException {
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

    static void send(HttpServletResponse resp, int status, Object body) throws IOException {
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

    private List<Route> routes(CerebrumRoutes cerebrum, NativeRoutes nativ, StreamRoutes stream) {
        Route.Access open = Route.Access.OPEN;
        Route.Access token = Route.Access.TOKEN;
        Route.Access operator = Route.Access.OPERATOR;
        return List.of(
                // AIOS / Cerebrum
                new Route("GET", "/status", open, r -> send(r.response, 200, status())),
                new Route("GET", "/core/status", open, r -> send(r.response, 200, cerebrum.coreStatus())),
                new Route("GET", "/core/llms/list", open, r -> send(r.response, 200, cerebrum.llmList())),
                new Route("POST", "/query", token, cerebrum::query),
                new Route("POST", "/agents/submit", token, cerebrum::submit),
                new Route("GET", "/agents/{id}/status", token, cerebrum::agentStatus),
                new Route("GET", "/agents/ps", token, cerebrum::ps),
                // native
                new Route("GET", API + "/status", open, r -> send(r.response, 200, status())),
                new Route("GET", API + "/openapi.json", open, this::openApi),
                new Route("POST", API + "/syscalls", token, nativ::submitSyscall),
                new Route("GET", API + "/syscalls/{id}", token, nativ::syscallStatus),
                new Route("DELETE", API + "/syscalls/{id}", token, nativ::cancelSyscall),
                new Route("GET", API + "/syscalls/{id}/result", token, nativ::syscallResult),
                new Route("GET", API + "/syscalls/{id}/tokens", token, stream::tokenStream),
                new Route("GET", API + "/events", token, stream::eventStream),
                new Route("GET", API + "/agents", token, nativ::agents),
                new Route("PUT", API + "/agents/{name}", token, nativ::registerAgent),
                new Route("POST", API + "/processes", token, nativ::startProcess),
                new Route("GET", API + "/processes", token, nativ::processes),
                new Route("GET", API + "/processes/{id}", token, nativ::process),
                new Route("DELETE", API + "/processes/{id}", token, nativ::killProcess),
                new Route("GET", API + "/queues", token, r -> send(r.response, 200, nativ.queues())),
                new Route("GET", API + "/policies", token, r -> send(r.response, 200, nativ.policies())),
                new Route("PUT", API + "/queues/{resource}/policy", operator, nativ::switchPolicy),
                new Route("POST", API + "/tokens", operator, nativ::issueToken),
                new Route("GET", API + "/tokens", operator, nativ::listTokens),
                new Route("DELETE", API + "/tokens/{id}", operator, nativ::revokeToken));
    }

    // ---------------------------------------------------------------- services and settings, for the route groups

    HttpApiConfig config() {
        return config;
    }

    Logger log() {
        return log;
    }

    SubmittedSyscalls submitted() {
        return submitted;
    }

    Kernel kernel() {
        Kernel k = kernel;
        if (k == null) {
            throw new ApiException(503, "the kernel is not running: no Kernel service (bundle aios.kernel.core) is"
                    + " installed and active");
        }
        return k;
    }

    AgentRunner runner() {
        AgentRunner r = runner;
        if (r == null) {
            throw new ApiException(503, "agents cannot be run: no AgentRunner service (bundle aios.sdk) is installed"
                    + " and active");
        }
        return r;
    }

    Tokens tokens() {
        Tokens t = tokens;
        if (t == null) {
            throw noTokens();
        }
        return t;
    }

    /** Registers the agent (registering again is harmless); a name the kernel does not accept is a 400. */
    void register(Kernel k, String agent) {
        try {
            k.register(agent);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("agent name '" + agent + "' is not accepted: " + e.getMessage());
        }
    }

    void requireMayActAs(Caller caller, String agent) {
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

    // ---------------------------------------------------------------- shared by the route groups

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

    static long retryAfter(SyscallRejectedException.Reason reason) {
        return reason == SyscallRejectedException.Reason.QUEUE_FULL ? 1 : 0;
    }

    static AgentProcess start(AgentRunner run, String agent, String input) {
        try {
            return run.start(agent, input);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(503, e.getMessage());
        }
    }

    List<Map<String, Object>> visibleProcesses(Caller caller) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (AgentProcess p : runner().processes()) {
            if (caller.mayActAs(p.agent())) {
                list.add(NativeSyscalls.process(p));
            }
        }
        return list;
    }

    AgentProcess visibleProcess(Request r) {
        long id = id(r.param("id"), "a process");
        AgentProcess p = runner().process(id).orElseThrow(() -> ApiException.notFound("no agent process " + id
                + " is known (finished ones are kept up to processes.retained in aios.agents)"));
        requireMayActAs(r.caller, p.agent());
        return p;
    }

    static long id(String text, String what) {
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

    /** The handle of a syscall submitted over HTTP, if the caller may see it. */
    SyscallHandle visibleHandle(Request r) {
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
}
