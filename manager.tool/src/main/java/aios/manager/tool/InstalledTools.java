package aios.manager.tool;

import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolDescriptor;
import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolManager;
import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The tool manager: every {@link ToolService} registered in the framework is a tool, callable as soon as it appears
 * and gone when it goes. When a tool appears its facts are read once and its parameter schema compiled; a tool whose
 * name or schema is not valid is refused (logged as an error, listed by {@code tool:ls}). Of several tools with the
 * same name the one with the highest service ranking (then the oldest) is used; the next takes over when it goes.
 *
 * <p>A call is refused before the tool runs when the tool is not installed, its arguments are too long, not a JSON
 * object, or violate its schema; otherwise it runs on a thread of its own within the tool's parallelism limit and
 * timeout ({@link LimitedTool}). Every call ends in exactly one {@code aios/tool/*} event.
 *
 * <p>Thread-safe: the kernel's tool workers call it at once.
 */
@Component(service = {ToolManager.class, InstalledTools.class}, configurationPid = InstalledTools.PID,
        immediate = true)
@Designate(ocd = ToolConfig.class)
public final class InstalledTools implements ToolManager {

    static final String PID = "aios.tool";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** A tool service that was refused when it appeared. */
    record Refusal(long serviceId, String name, String reason) {
    }

    /** A tool in use, with its counters, for {@code tool:ls}. */
    record Status(ToolDescriptor descriptor, int running, int overdue, long calls, long failed, long timedOut,
                  long refused) {
    }

    private record Settings(int argumentsMaxChars, Duration timeoutMax) {
        static Settings of(ToolConfig c) {
            if (c.arguments_max_chars() < 2) {
                throw new IllegalArgumentException("configuration " + PID + ": arguments.max.chars "
                        + c.arguments_max_chars() + " must be at least 2 (the text {})");
            }
            if (c.timeout_max_ms() < 1) {
                throw new IllegalArgumentException("configuration " + PID + ": timeout.max.ms " + c.timeout_max_ms()
                        + " must be at least 1");
            }
            return new Settings(c.arguments_max_chars(), Duration.ofMillis(c.timeout_max_ms()));
        }
    }

    private static final Settings DEFAULTS = new Settings(1024 * 1024, Duration.ofMinutes(10));

    private final Object lock = new Object();
    /** Every accepted tool service by name, the one to use first. Guarded by {@link #lock}. */
    private final Map<String, List<LimitedTool>> candidates = new HashMap<>();
    /** The tool in use for each name. */
    private final ConcurrentHashMap<String, LimitedTool> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Refusal> refusals = new ConcurrentHashMap<>();
    private volatile Settings settings;

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    volatile Logger log;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin eventAdmin;

    /** For DS: tools bound before activation get the default settings, and {@link #activate} applies the real ones. */
    public InstalledTools() {
        this.settings = DEFAULTS;
    }

    /** Without a framework, for tests. */
    InstalledTools(int argumentsMaxChars, Duration timeoutMax) {
        this.settings = new Settings(argumentsMaxChars, timeoutMax);
    }

    @Activate
    void activate(ToolConfig config) {
        configure(config, "the tool manager runs on its defaults until it is corrected");
    }

    @Modified
    void modified(ToolConfig config) {
        configure(config, "the tool manager keeps its previous settings");
    }

    private void configure(ToolConfig config, String otherwise) {
        Settings s;
        try {
            s = Settings.of(config);
        } catch (IllegalArgumentException e) {
            error("{}; {}", e.getMessage(), otherwise);
            return;
        }
        settings = s;
        synchronized (lock) {
            candidates.values().forEach(list -> list.forEach(t -> t.limitTimeout(s.timeoutMax())));
        }
    }

    // ---------------------------------------------------------------- tools coming and going

    @Reference(service = ToolService.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeTool")
    void addTool(ToolService tool, Map<String, Object> properties) {
        long id = properties.get(Constants.SERVICE_ID) instanceof Long l ? l : -1;
        int rank = properties.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
        addTool(tool, id, rank);
    }

    void removeTool(ToolService tool, Map<String, Object> properties) {
        removeTool(properties.get(Constants.SERVICE_ID) instanceof Long l ? l : -1);
    }

    /** Accepts a tool service, or refuses it with the reason logged and kept for {@code tool:ls}. */
    void addTool(ToolService tool, long serviceId, int rank) {
        String name = null;
        LimitedTool t;
        try {
            name = tool.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("tool name '" + name + "' is not valid: use 1–64 characters from"
                        + " A-Z a-z 0-9 _ -");
            }
            ToolDescriptor d = new ToolDescriptor(name, tool.description(), tool.parameters(), tool.reversible(),
                    tool.parallelism(), tool.timeout());
            t = new LimitedTool(d, ArgumentSchema.compile(name, d.parameters()), tool, serviceId, rank,
                    settings.timeoutMax());
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            refusals.put(serviceId, new Refusal(serviceId, name == null ? "?" : name, reason));
            error("tool service {} ({}) is refused and cannot be called: {}", serviceId, tool.getClass().getName(),
                    reason);
            return;
        }
        if (t.declared.timeout().compareTo(settings.timeoutMax()) > 0) {
            warn("tool '{}' declares a timeout of {}, longer than timeout.max.ms of {}: its calls stop after {}", name,
                    Durations.text(t.declared.timeout()), PID, Durations.text(settings.timeoutMax()));
        }
        synchronized (lock) {
            List<LimitedTool> same = candidates.computeIfAbsent(name, n -> new ArrayList<>());
            same.add(t);
            same.sort(Comparator.comparingInt((LimitedTool x) -> x.serviceRank).reversed()
                    .thenComparingLong(x -> x.serviceId));
            if (same.size() > 1) {
                warn("{} tool services are named '{}' (services {}): service {} is used, the next takes over when it"
                        + " goes", same.size(), name, same.stream().map(x -> String.valueOf(x.serviceId))
                        .collect(Collectors.joining(", ")), same.get(0).serviceId);
            }
            active.put(name, same.get(0));
        }
    }

    void removeTool(long serviceId) {
        refusals.remove(serviceId);
        synchronized (lock) {
            for (var it = candidates.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().removeIf(t -> t.serviceId == serviceId)) {
                    if (e.getValue().isEmpty()) {
                        it.remove();
                        active.remove(e.getKey());
                    } else {
                        active.put(e.getKey(), e.getValue().get(0));
                    }
                    return;
                }
            }
        }
    }

    // ---------------------------------------------------------------- ToolManager

    @Override
    public List<ToolDescriptor> tools() {
        return active.values().stream().map(LimitedTool::descriptor).sorted(Comparator.comparing(ToolDescriptor::name))
                .toList();
    }

    @Override
    public Optional<ToolDescriptor> tool(String name) {
        LimitedTool t = name == null ? null : active.get(name);
        return t == null ? Optional.empty() : Optional.of(t.descriptor());
    }

    @Override
    public ToolResult.Outcome call(String agent, String callId, ToolCall call) throws InterruptedException {
        String name = call.name();
        LimitedTool t = active.get(name);
        if (t == null) {
            return refused(null, agent, callId, name, notInstalled(name));
        }
        String args = call.arguments();
        Settings s = settings;
        if (args.length() > s.argumentsMaxChars()) {
            return refused(t, agent, callId, name, "the arguments of tool " + name + " are " + args.length()
                    + " characters long, more than arguments.max.chars (" + s.argumentsMaxChars() + ") of " + PID
                    + ": send less, or raise the limit");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(args);
        } catch (JsonProcessingException e) {
            return refused(t, agent, callId, name, "the arguments of tool " + name + " are not valid JSON: "
                    + Json.describe(e) + "; send a JSON object matching the tool's parameter schema (tool:show " + name
                    + " prints it)");
        }
        if (node == null || !node.isObject()) {
            return refused(t, agent, callId, name, "the arguments of tool " + name + " are a JSON "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT))
                    + ", not an object: send a JSON object such as {\"name\": value}");
        }
        List<String> violations = t.schema.violations(node);
        if (!violations.isEmpty()) {
            return refused(t, agent, callId, name, "tool " + name + " refused the arguments: "
                    + String.join("; ", violations) + "; correct them to match the tool's parameter schema (tool:show "
                    + name + " prints it)");
        }
        ToolDescriptor d = t.descriptor();
        LimitedTool.Ending ending = t.run(new ToolInvocation(agent, callId, args), this::overdueEnded);
        return switch (ending) {
            case LimitedTool.Ending.Returned r when r.output() == null -> failed(t, agent, callId, r.nanos(),
                    "tool " + name + " returned no output (null): this is a bug in the tool, which must return text");
            case LimitedTool.Ending.Returned r -> {
                publish(KernelEvents.TOOL_COMPLETED, agent, name, callId, Map.of(KernelEvents.DURATION,
                        TimeUnit.NANOSECONDS.toMicros(r.nanos())));
                yield ToolResult.Outcome.success(callId, name, r.output());
            }
            case LimitedTool.Ending.Threw e -> failed(t, agent, callId, e.nanos(), "tool " + name + " failed: "
                    + describe(e.error()));
            case LimitedTool.Ending.NoSlot n -> timedOut(t, agent, callId, d, "tool " + name
                    + " found no free slot within its timeout of " + Durations.text(d.timeout()) + ": its "
                    + d.parallelism() + " slot(s) (parallelism " + d.parallelism() + ") are taken by calls still running"
                    + (t.overdue() > 0 ? " (" + t.overdue() + " of them past their timeout, ignoring the interruption)"
                    : "") + "; try again later");
            case LimitedTool.Ending.TimedOut o -> timedOut(t, agent, callId, d, "tool " + name
                    + " did not finish within its timeout of " + Durations.text(d.timeout())
                    + " and was interrupted; try again with less work, or ask for a longer timeout");
        };
    }

    private String notInstalled(String name) {
        Refusal refusal = refusals.values().stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
        if (refusal != null) {
            return "tool " + name + " cannot be called: it was refused when it was installed: " + refusal.reason();
        }
        String installed = String.join(", ", tools().stream().map(ToolDescriptor::name).toList());
        return "no tool named '" + name + "' is installed: " + (installed.isEmpty()
                ? "no tool is installed; drop a tool bundle into bundles/" : "installed are " + installed);
    }

    private ToolResult.Outcome refused(LimitedTool t, String agent, String callId, String name, String error) {
        if (t != null) {
            t.refused.increment();
        }
        publish(KernelEvents.TOOL_REFUSED, agent, name, callId, Map.of(KernelEvents.ERROR, error));
        return ToolResult.Outcome.failure(callId, name, error);
    }

    private ToolResult.Outcome failed(LimitedTool t, String agent, String callId, long nanos, String error) {
        t.failed.increment();
        publish(KernelEvents.TOOL_FAILED, agent, t.name(), callId, Map.of(KernelEvents.ERROR, error,
                KernelEvents.DURATION, TimeUnit.NANOSECONDS.toMicros(nanos)));
        return ToolResult.Outcome.failure(callId, t.name(), error);
    }

    private ToolResult.Outcome timedOut(LimitedTool t, String agent, String callId, ToolDescriptor d, String error) {
        t.timedOut.increment();
        publish(KernelEvents.TOOL_TIMED_OUT, agent, t.name(), callId, Map.of(KernelEvents.ERROR, error,
                KernelEvents.TIMEOUT, d.timeout().toMillis()));
        return ToolResult.Outcome.failure(callId, t.name(), error);
    }

    /** A call whose caller was told it timed out (or was cancelled) has really ended: its slot is free again. */
    private void overdueEnded(LimitedTool t, ToolInvocation call, long nanosPastTimeout) {
        warn("tool '{}' call {} of agent {} ended {} after its timeout of {}: it ignored the interruption and held one"
                + " of its {} slot(s) until now", t.name(), call.callId(), call.agent(),
                Durations.text(Duration.ofNanos(Math.max(0, nanosPastTimeout))),
                Durations.text(t.descriptor().timeout()), t.descriptor().parallelism());
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName() : e.getMessage();
    }

    // ---------------------------------------------------------------- for the commands

    /** The tools in use with their counters, by name. */
    List<Status> status() {
        return active.values().stream().sorted(Comparator.comparing(LimitedTool::name))
                .map(t -> new Status(t.descriptor(), t.running(), t.overdue(), t.calls.sum(), t.failed.sum(),
                        t.timedOut.sum(), t.refused.sum())).toList();
    }

    /** The tool services refused when they appeared, by service id. */
    List<Refusal> refusals() {
        return refusals.values().stream().sorted(Comparator.comparingLong(Refusal::serviceId)).toList();
    }

    // ---------------------------------------------------------------- events and log

    private void publish(String topic, String agent, String tool, String callId, Map<String, Object> more) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            return;
        }
        Map<String, Object> p = new HashMap<>(more);
        p.put(KernelEvents.AGENT, String.valueOf(agent));
        p.put(KernelEvents.TOOL, String.valueOf(tool));
        p.put(KernelEvents.CALL_ID, callId == null ? "" : callId);
        ea.postEvent(new Event(topic, p));
    }

    private void warn(String format, Object... args) {
        Logger l = log;
        if (l != null) {
            l.warn(format, args);
        }
    }

    private void error(String format, Object... args) {
        Logger l = log;
        if (l != null) {
            l.error(format, args);
        }
    }
}
