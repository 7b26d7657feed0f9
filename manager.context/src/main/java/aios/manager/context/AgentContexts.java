package aios.manager.context;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.GenerationCheckpoint;
import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.context.AgentContext;
import aios.kernel.api.context.ContextManager;
import aios.kernel.api.context.ContextSnapshot;
import aios.kernel.api.context.ResourceLimits;
import aios.kernel.api.context.ResourceUsage;
import aios.kernel.api.context.RestoredContext;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.storage.ContextArchive;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Deactivate;
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
 * The context manager: counts every agent's syscalls and tokens as the kernel reports them, refuses what would pass
 * the agent's limits, keeps its latest conversation, and saves and restores its context through its
 * {@link SnapshotStore}. Usage is counted in memory from the agent's registration and written to the
 * {@link UsageLedger} every second, so a restarted kernel counts on from it; unregistering an agent starts it again
 * at 0.
 */
@Component(service = ContextManager.class, configurationPid = AgentContexts.PID, immediate = true)
@Designate(ocd = ContextConfig.class)
public final class AgentContexts implements ContextManager {

    static final String PID = "aios.context";
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    // Taken on first use, not at activation: the kernel in turn binds this service as it activates, and getting
    // each other's service during activation would be a circular reference DS has to untangle later.
    @Reference
    private ComponentServiceObjects<Kernel> kernelService;
    private volatile Kernel kernelInstance;
    private final ConcurrentHashMap<String, LiveContext> live = new ConcurrentHashMap<>();
    private final SnapshotStore store;
    private final UsageLedger usage;
    private final ScheduledExecutorService flusher;
    private volatile ResourceLimits defaults;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Logger log;

    @Activate
    public AgentContexts(BundleContext bundle, ContextConfig config) throws IOException {
        String data = bundle.getProperty("aios.data");
        Path directory = config.directory().isBlank()
                ? Path.of(data == null ? "data" : data).resolve("contexts") : Path.of(config.directory());
        this.store = new SnapshotStore(directory);
        this.usage = new UsageLedger(store.directory());
        this.defaults = defaultsOf(config);
        this.flusher = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon(true).name("aios-context-usage").factory());
        flusher.scheduleWithFixedDelay(this::flushUsage, 1, 1, TimeUnit.SECONDS);
    }

    private void flushUsage() {
        try {
            usage.flush(live);
        } catch (IOException | RuntimeException e) {
            Logger l = log;
            if (l != null) {
                l.error("agents' usage could not be written to {}: {}; it is tried again in a second",
                        store.directory().resolve(UsageLedger.FILE), e.toString());
            }
        }
    }

    /** Snapshots move into the storage manager's database while it offers an archive. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetArchive")
    void setArchive(ContextArchive archive) {
        List<String> problems = store.useArchive(archive);
        Logger l = log;
        if (l != null && !problems.isEmpty()) {
            l.error("{} snapshot files could not be moved into the storage manager's database and stay in {} "
                    + "(listed and restorable only without the storage manager): {}", problems.size(),
                    store.directory(), String.join("; ", problems));
        }
    }

    void unsetArchive(ContextArchive archive) {
        store.useArchive(null);
    }

    @Modified
    void modified(ContextConfig config) {
        defaults = defaultsOf(config);
    }

    @Deactivate
    void deactivate() {
        flusher.shutdownNow();
        flushUsage();
        Kernel k = kernelInstance;
        if (k != null) {
            kernelInstance = null;
            kernelService.ungetService(k);
        }
    }

    private Kernel kernel() {
        Kernel k = kernelInstance;
        if (k == null) {
            synchronized (this) {
                k = kernelInstance;
                if (k == null) {
                    k = kernelInstance = kernelService.getService();
                }
            }
        }
        return k;
    }

    private static ResourceLimits defaultsOf(ContextConfig c) {
        return new ResourceLimits(c.limit_tokens(), c.limit_syscalls(), Duration.ofSeconds(c.limit_wall_seconds()),
                c.limit_memory_bytes());
    }

    // ---------------------------------------------------------------- the kernel's calls

    @Override
    public void admit(Syscall call) {
        LiveContext c = live(call.agent());
        ResourceLimits l = limits(call.agent());
        checkWallTime(c, l);
        if (l.memoryBytes() > 0 && c.memoryBytes() >= l.memoryBytes()) {
            throw exceeded(c, "memory.bytes", c.memoryBytes(), l.memoryBytes(), "--memory BYTES");
        }
        if (call instanceof LlmQuery && l.tokens() > 0 && c.generatedTokens.get() >= l.tokens()) {
            throw exceeded(c, "tokens", c.generatedTokens.get(), l.tokens(), "--tokens N");
        }
        long n = c.syscalls.incrementAndGet();
        if (l.syscalls() > 0 && n > l.syscalls()) {
            c.syscalls.decrementAndGet();
            throw exceeded(c, "syscalls", n - 1, l.syscalls(), "--syscalls N");
        }
    }

    @Override
    public int tokensAllowed(String agent, int wanted) {
        LiveContext c = live.get(agent);
        if (c == null) {
            return wanted; // unregistered while it runs: its context has gone with it
        }
        ResourceLimits l = limits(agent);
        checkWallTime(c, l);
        if (l.tokens() == 0) {
            return wanted;
        }
        long left = l.tokens() - c.generatedTokens.get();
        if (left <= 0) {
            throw exceeded(c, "tokens", c.generatedTokens.get(), l.tokens(), "--tokens N");
        }
        return (int) Math.min(wanted, left);
    }

    @Override
    public void charge(String agent, int tokens) {
        LiveContext c = live.get(agent); // none once the agent is unregistered: nothing to charge, nothing to revive
        if (c != null) {
            c.generatedTokens.addAndGet(tokens);
        }
    }

    @Override
    public void finished(Syscall call, SyscallStatus status, SyscallResult result) {
        LiveContext c = live.get(call.agent());
        if (c != null && call instanceof LlmQuery q && result instanceof LlmResult r) {
            c.promptTokens.addAndGet(r.promptTokens());
            List<Message> conversation = new ArrayList<>(q.messages().size() + 1);
            conversation.addAll(q.messages());
            conversation.add(new Message(aios.kernel.api.syscall.Role.ASSISTANT, r.text(), r.toolCalls(), null));
            c.conversation(conversation);
        }
    }

    @Override
    public void released(String agent) {
        live.remove(agent);
        usage.forget(agent);
    }

    private void checkWallTime(LiveContext c, ResourceLimits l) {
        if (!l.wallTime().isZero()) {
            Duration used = Duration.between(c.registered, Instant.now());
            if (used.compareTo(l.wallTime()) >= 0) {
                throw exceeded(c, "wall.time", used.toMillis(), l.wallTime().toMillis(), "--wall SECONDS");
            }
        }
    }

    private SyscallRejectedException exceeded(LiveContext c, String limit, long used, long maximum, String option) {
        String unit = limit.equals("wall.time") ? " ms" : "";
        String message = "agent '" + c.agent + "' has reached its " + limit + " limit (" + used + unit + " used of "
                + maximum + unit + "): raise it with ctx:limit " + c.agent + " " + option + ", or the default "
                + "limit." + limit.replace("wall.time", "wall.seconds") + " in " + PID;
        post(KernelEvents.LIMIT_EXCEEDED, Map.of(KernelEvents.AGENT, c.agent, KernelEvents.LIMIT, limit,
                KernelEvents.USED, used, KernelEvents.MAXIMUM, maximum, KernelEvents.ERROR, message));
        return new SyscallRejectedException(SyscallRejectedException.Reason.LIMIT_EXCEEDED, message);
    }

    /**
     * The live context of a registered agent, made on first use: with the usage it had before a restart, else from 0
     * with the kernel's registration time.
     */
    private LiveContext live(String agent) {
        LiveContext c = live.get(agent);
        if (c != null) {
            return c;
        }
        return live.computeIfAbsent(agent, a -> {
            UsageLedger.Usage before = usage.take(a);
            if (before == null) {
                return new LiveContext(a, registered(a), store.bytes(a));
            }
            // counted on from what it had used before the kernel restarted
            LiveContext counted = new LiveContext(a, before.registered(), store.bytes(a));
            counted.syscalls.set(before.syscalls());
            counted.generatedTokens.set(before.generatedTokens());
            counted.promptTokens.set(before.promptTokens());
            return counted;
        });
    }

    private Instant registered(String agent) {
        return kernel().agents().stream().filter(i -> i.name().equals(agent)).map(AgentInfo::registered).findFirst()
                .orElseGet(Instant::now);
    }

    // ---------------------------------------------------------------- operators and agents

    @Override
    public List<AgentContext> contexts() {
        return kernel().agents().stream().map(a -> view(live(a.name()))).toList();
    }

    @Override
    public Optional<AgentContext> context(String agent) {
        return kernel().agents().stream().filter(a -> a.name().equals(agent)).findFirst().map(a -> view(live(agent)));
    }

    private AgentContext view(LiveContext c) {
        ResourceUsage usage = new ResourceUsage(c.syscalls.get(), c.promptTokens.get(), c.generatedTokens.get(),
                Duration.between(c.registered, Instant.now()), c.memoryBytes());
        return new AgentContext(c.agent, c.conversation(), usage, limits(c.agent), store.list(c.agent));
    }

    @Override
    public ContextSnapshot snapshot(String agent) {
        List<GenerationCheckpoint> generations = kernel().checkpoint(agent); // refuses an unregistered agent
        LiveContext c = live(agent);
        SnapshotFile file = new SnapshotFile(agent, Instant.now(), c.conversation(), generations);
        byte[] bytes = file.encode();
        ResourceLimits l = limits(agent);
        if (l.memoryBytes() > 0 && c.memoryBytes() + bytes.length > l.memoryBytes()) {
            throw exceeded(c, "memory.bytes", c.memoryBytes() + bytes.length, l.memoryBytes(), "--memory BYTES");
        }
        ContextSnapshot saved;
        try {
            saved = store.save(file, bytes);
        } catch (IOException e) {
            throw new SyscallException("the snapshot of agent '" + agent + "' could not be written to "
                    + store.where() + ": " + e.getMessage());
        }
        c.snapshotBytes.addAndGet(bytes.length);
        post(KernelEvents.CONTEXT_SAVED, Map.of(KernelEvents.AGENT, agent, KernelEvents.SNAPSHOT, saved.id(),
                KernelEvents.BYTES, saved.bytes(), KernelEvents.GENERATIONS, saved.generations()));
        return saved;
    }

    @Override
    public RestoredContext restore(String agent, Long id) {
        SnapshotStore.Loaded loaded;
        try {
            loaded = store.load(agent, id);
        } catch (IOException e) {
            throw new UncheckedIOException("the snapshot of agent '" + agent + "' could not be read from "
                    + store.where() + ": " + e.getMessage(), e);
        }
        SnapshotFile file = loaded.file();
        kernel().register(agent);
        Map<Long, SyscallHandle> resumed = new LinkedHashMap<>();
        try {
            for (GenerationCheckpoint g : file.generations()) {
                resumed.put(g.syscall(), kernel().resume(g.query(), g.state()));
            }
        } catch (RuntimeException e) {
            resumed.values().forEach(h -> kernel().cancel(h.id())); // all of it or nothing
            throw e;
        }
        live(agent).conversation(file.conversation());
        post(KernelEvents.CONTEXT_RESTORED, Map.of(KernelEvents.AGENT, agent, KernelEvents.SNAPSHOT,
                loaded.info().id(), KernelEvents.GENERATIONS, resumed.size()));
        return new RestoredContext(loaded.info(), resumed);
    }

    @Override
    public List<ContextSnapshot> snapshots(String agent) {
        return store.list(agent);
    }

    @Override
    public ResourceLimits limits(String agent) {
        ResourceLimits own = store.limits().get(agent);
        return own != null ? own : defaults;
    }

    @Override
    public void setLimits(String agent, ResourceLimits limits) {
        if (agent == null || !AGENT_NAME.matcher(agent).matches()) {
            throw new IllegalArgumentException("agent name '" + agent + "' is not valid: use 1–64 characters from"
                    + " A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        try {
            store.setLimits(agent, limits);
        } catch (IOException e) {
            throw new UncheckedIOException("the limits of agent '" + agent + "' could not be saved in "
                    + store.directory() + ": " + e.getMessage(), e);
        }
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }
}
