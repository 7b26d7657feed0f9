package aios.kernel.core;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallRejectedException.Reason;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.GenerationCheckpoint;
import aios.kernel.api.context.ContextManager;
import aios.kernel.api.llm.Generation;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.memory.MemoryManager;
import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.storage.SyscallHistory;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolDescriptor;
import aios.kernel.api.tool.ToolManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.ComponentServiceObjects;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.annotations.ReferenceScope;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The router: checks access, builds a {@link KernelTask} per syscall, offers it to its resource's
 * {@link ResourceQueue}, and runs it on that queue's workers against the service that serves the resource.
 * Every step is an event. Which policy orders each queue follows the configuration and the installed policy
 * services: a queue whose policy is missing runs the built-in FIFO until it appears.
 */
@Component(service = Kernel.class, configurationPid = "aios.kernel")
@Designate(ocd = KernelConfig.class)
public final class KernelRouter implements Kernel {

    static final String PID = "aios.kernel";
    /** Tokens a generation runs between checks of its allowance and pending checkpoints, when no slice is shorter. */
    private static final int STEP_TOKENS = 16;
    /** How long a checkpoint waits for a running generation's step before it looks at the task again. */
    private static final long CHECKPOINT_WAIT_MS = 50;
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final KernelClock clock = new KernelClock();
    private final EventPublisher events = new EventPublisher(clock);
    private final AccessPolicy ownDataOnly = new OwnDataOnly();
    private final CostEstimator costs = new CostEstimator();
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<String, AgentRecord> agents = new ConcurrentHashMap<>();
    /** Syscalls waiting or running. */
    private final ConcurrentHashMap<Long, KernelTask> tasks = new ConcurrentHashMap<>();
    /** The newest finished syscalls, for status look-ups ({@code history.retained} of them). */
    private final ConcurrentHashMap<Long, FinishedSyscall> finished = new ConcurrentHashMap<>();
    private AtomicLongArray retained;
    private final AtomicLong finishedCount = new AtomicLong();

    // policies: guarded by "this"
    private final List<PolicyProvider> policyProviders = new ArrayList<>();
    private final java.util.Set<Long> faultedProviders = new java.util.HashSet<>();
    private final Map<Resource, PolicyProvider.Lease> leases = new EnumMap<>(Resource.class);
    private final List<PolicyProvider.Lease> retired = new ArrayList<>();
    private final Map<Resource, Map<String, String>> parameters = new EnumMap<>(Resource.class);

    private volatile Map<Resource, ResourceQueue> queues;

    // the services that run syscalls
    private volatile AccessPolicy access;
    private volatile MemoryManager memory;
    private volatile StorageManager storage;
    private volatile ContextManager contexts;
    private volatile SyscallHistory history;
    /**
     * How long a stopping kernel waits for the history recorder's outstanding acknowledgments: longer than a
     * healthy database needs for a batch; tests shorten it.
     */
    long acknowledgeWaitMs = 10_000;
    /** Syscalls handed to the history recorder whose handles it has not completed yet. */
    private final Set<Acknowledgment> unacknowledged = new java.util.HashSet<>(); // guarded by itself
    private final CopyOnWriteArrayList<Ranked<LlmBackend>> llms = new CopyOnWriteArrayList<>();
    private volatile ToolManager toolManager;
    private volatile ConfigurationAdmin configAdmin;

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Logger log;

    record Ranked<S>(ServiceReference<?> ref, S service) {
    }

    // ---------------------------------------------------------------- life

    @Activate
    void activate(KernelConfig config) {
        QueueSettings[] settings;
        try {
            settings = settingsOf(config);
        } catch (IllegalArgumentException e) {
            // a bad value must not keep the kernel down: it starts on its defaults and says what to correct
            Logger l = log;
            if (l != null) {
                l.error("{}; the kernel runs on its default configuration until {} is corrected", e.getMessage(), PID);
            }
            config = KernelConfigs.of(Map.of());
            settings = settingsOf(config);
        }
        events.start();
        retained = new AtomicLongArray(config.history_retained());
        Map<Resource, ResourceQueue> qs = new EnumMap<>(Resource.class);
        for (Resource r : Resource.values()) {
            QueueSettings s = settings[r.ordinal()];
            qs.put(r, new ResourceQueue(r, s, this::run, (swap, owner) -> policyFault(r, swap, owner),
                    events::submitted));
        }
        synchronized (this) {
            for (Resource r : Resource.values()) {
                parameters.put(r, settings[r.ordinal()].parameters());
            }
            queues = qs;
            reconcileAll();
        }
        qs.values().forEach(this::reportCpuBinding);
    }

    @Modified
    void modified(KernelConfig config) {
        QueueSettings[] settings = settingsOf(config);
        synchronized (this) {
            for (Resource r : Resource.values()) {
                QueueSettings s = settings[r.ordinal()];
                Map<String, String> old = parameters.put(r, s.parameters());
                PolicyProvider.Lease lease = leases.get(r);
                if (lease != null && !s.parameters().equals(old)) {
                    String error = queues.get(r).reconfigure(lease.instance(), s.parameters());
                    if (error != null) {
                        warn("configuration {}: parameters {} of policy '{}' on the {} queue were refused: {}; the"
                                + " policy keeps its previous parameters", PID, s.parameters(), lease.provider().name(),
                                r.id(), error);
                    }
                }
                if (queues.get(r).configure(s)) {
                    reportCpuBinding(queues.get(r));
                }
            }
            faultedProviders.clear(); // a new configuration gives every policy another chance
            reconcileAll();
        }
    }

    /** A queue whose workers could not be pinned runs all the same; the log and aios:queues say why. */
    private void reportCpuBinding(ResourceQueue q) {
        String failure = q.cpuBindingFailure();
        if (failure != null) {
            warn("the {} queue's workers run unpinned, not only on CPUs {} as {}.cpus asks: {}", q.resource.id(),
                    q.info().cpus(), q.resource.id(), failure);
        }
    }

    private QueueSettings[] settingsOf(KernelConfig config) {
        if (config.history_retained() < 1) {
            throw new IllegalArgumentException("configuration aios.kernel: history.retained " + config.history_retained()
                    + " must be at least 1");
        }
        QueueSettings[] s = new QueueSettings[Resource.values().length];
        for (Resource r : Resource.values()) {
            s[r.ordinal()] = QueueSettings.of(r, config);
        }
        return s;
    }

    @Deactivate
    void deactivate() {
        Map<Resource, ResourceQueue> qs = queues;
        for (ResourceQueue q : qs.values()) {
            for (KernelTask t : q.close()) {
                if (t.transition(SyscallStatus.QUEUED, SyscallStatus.CANCELLED)) {
                    finish(t, SyscallStatus.CANCELLED, null, "the kernel stopped before the syscall ran");
                }
            }
        }
        for (KernelTask t : tasks.values()) {
            if (t.status() == SyscallStatus.RUNNING) {
                t.interruptRunner();
            } else if (t.status() == SyscallStatus.HELD) {
                cancel(t, "the kernel stopped before the syscall's approval was decided");
            }
        }
        acknowledgePending();
        synchronized (this) {
            leases.values().forEach(this::releaseQuietly);
            leases.clear();
            retired.forEach(this::releaseQuietly);
            retired.clear();
        }
        events.stop();
    }

    // ---------------------------------------------------------------- Kernel

    @Override
    public AgentInfo register(String name) {
        if (name == null || !AGENT_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("agent name '" + name + "' is not valid: use 1–64 characters from"
                    + " A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        return agents.computeIfAbsent(name, n -> new AgentRecord(n, Instant.now())).info();
    }

    @Override
    public boolean unregister(String name) {
        AgentRecord a = agents.remove(name);
        if (a == null) {
            return false;
        }
        for (KernelTask t : tasks.values()) {
            if (t.agent == a && (t.status() == SyscallStatus.QUEUED || t.status() == SyscallStatus.HELD)) {
                cancel(t, "agent '" + name + "' was unregistered");
            }
        }
        ContextManager cm = contexts;
        if (cm != null) {
            cm.released(name);
        }
        MemoryManager mm = memory;
        if (mm != null) {
            mm.released(name);
        }
        return true;
    }

    @Override
    public List<AgentInfo> agents() {
        return agents.values().stream().map(AgentRecord::info).sorted(Comparator.comparing(AgentInfo::name)).toList();
    }

    @Override
    public SyscallHandle submit(Syscall call) {
        return accept(call, null);
    }

    @Override
    public SyscallHandle resume(LlmQuery query, byte[] state) {
        if (query == null) {
            throw new IllegalArgumentException("query is null: pass the LlmQuery of the generation to resume");
        }
        if (state == null || state.length == 0) {
            return accept(query, null);
        }
        LlmBackend b = backendFor(query);
        if (b == null) {
            throw reject(query, Reason.NO_SERVICE, noBackend(query));
        }
        Generation g;
        try {
            g = b.resume(query, state);
        } catch (Exception e) {
            throw new IllegalArgumentException("the generation state of " + state.length + " bytes cannot be resumed: "
                    + describe(e), e);
        }
        try {
            return accept(query, g);
        } catch (RuntimeException e) {
            g.close();
            throw e;
        }
    }

    /** Checks, builds and queues a task; {@code generation}, if given, is where an LLM syscall continues. */
    private SyscallHandle accept(Syscall call, Generation generation) {
        if (call == null) {
            throw new IllegalArgumentException("syscall is null: pass an LlmQuery, MemoryQuery, StorageQuery or ToolQuery");
        }
        Map<Resource, ResourceQueue> qs = queues;
        if (qs == null) {
            throw reject(call, Reason.SHUTTING_DOWN, "the kernel is not running: submit again when it has started");
        }
        AgentRecord agent = agents.get(call.agent());
        if (agent == null) {
            throw reject(call, Reason.UNKNOWN_AGENT, "agent '" + call.agent()
                    + "' is not registered: register it first (Kernel.register or aios:register)");
        }
        AccessDecision decision = checkAccess(call);
        if (!decision.allowed() && !decision.isPending()) {
            events.accessDenied(call, 0, null, decision.reason(), -1);
            throw reject(call, Reason.ACCESS_DENIED, decision.reason());
        }
        try {
            String missing = missingService(call);
            if (missing != null) {
                throw reject(call, Reason.NO_SERVICE, missing);
            }
            ContextManager cm = contexts;
            if (cm != null) {
                try {
                    cm.admit(call);
                } catch (SyscallRejectedException e) {
                    events.rejected(call, e.reason().name(), e.getMessage());
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            if (decision.isPending()) { // refused for another reason: the policy need not wait for anybody
                withdraw(decision.pending(), call);
            }
            throw e;
        }
        ResourceQueue q = qs.get(call.resource());
        long id = ids.incrementAndGet();
        String kind = call.kind();
        KernelTask task = new KernelTask(id, call, kind, agent, clock, costs.estimate(call, kind), () -> cancel(id),
                decision.isPending());
        task.generation = generation;
        tasks.put(task.id, task);
        if (decision.isPending()) {
            agent.submitted.increment();
            hold(task, decision);
            return task;
        }
        try {
            q.offer(task);
        } catch (SyscallRejectedException e) {
            tasks.remove(task.id);
            events.rejected(call, e.reason().name(), e.getMessage());
            throw e;
        }
        agent.submitted.increment();
        events.wake();
        return task;
    }

    /** The access policy's decision; a policy that fails or answers nothing denies (the kernel fails closed). */
    private AccessDecision checkAccess(Syscall call) {
        AccessPolicy policy = access;
        AccessDecision d;
        try {
            d = (policy == null ? ownDataOnly : policy).check(call);
        } catch (RuntimeException e) {
            warn("the access policy {} failed on a {} syscall of agent '{}': {}", policy, call.kind(), call.agent(),
                    e.toString());
            return AccessDecision.deny("the access policy failed on this syscall (" + describe(e) + "), so it is"
                    + " refused; the kernel's log has the details");
        }
        if (d == null) {
            return AccessDecision.deny("the access policy gave no decision on this syscall, so it is refused");
        }
        return !d.allowed() && d.reason() == null && !d.isPending()
                ? AccessDecision.deny("the access policy denied this syscall without saying why") : d;
    }

    /**
     * Holds a task until its pending access decision completes: then it is queued (allowed), failed (denied) or, if
     * the outcome is pending again, held on. Cancel withdraws it ({@link #cancel(KernelTask, String)}).
     */
    private void hold(KernelTask t, AccessDecision decision) {
        AccessDecision.Pending p = decision.pending();
        t.pending = p;
        if (p.approval() != null) {
            t.approval = p.approval();
            events.accessPending(t, p.approval(), decision.reason());
        }
        p.outcome().whenComplete((next, error) -> decided(t, p, next, error));
    }

    private void decided(KernelTask t, AccessDecision.Pending p, AccessDecision next, Throwable error) {
        if (t.pending != p || t.status() != SyscallStatus.HELD) {
            return; // withdrawn meanwhile
        }
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            next = AccessDecision.deny("the access policy failed to decide on this syscall (" + describe(cause)
                    + "), so it is refused");
        } else if (next == null || (!next.allowed() && !next.isPending() && next.reason() == null)) {
            next = AccessDecision.deny("the access policy denied this syscall without saying why");
        }
        if (next.isPending()) {
            hold(t, next);
        } else if (next.allowed()) {
            release(t, next.reason());
        } else {
            refuse(t, next.reason());
        }
    }

    /** An allowed held task goes to its queue; its arrival there is now. */
    private void release(KernelTask t, String reason) {
        if (!t.transition(SyscallStatus.HELD, SyscallStatus.QUEUED)) {
            return;
        }
        t.pending = null;
        long now = clock.nanoTime();
        if (t.approval != null) {
            events.accessApproved(t, t.approval, reason, (now - t.arrivalNanos) / 1_000);
        }
        t.arrivalNanos = now;
        Map<Resource, ResourceQueue> qs = queues;
        try {
            if (qs == null) {
                throw new SyscallRejectedException(Reason.SHUTTING_DOWN, "the kernel stopped while the syscall was"
                        + " held for approval");
            }
            qs.get(t.resource).offer(t);
            events.wake();
        } catch (SyscallRejectedException e) {
            if (t.transition(SyscallStatus.QUEUED, SyscallStatus.FAILED)) {
                finish(t, SyscallStatus.FAILED, null, e.getMessage(), e);
            }
        }
    }

    /** A denied held task fails with ACCESS_DENIED; it never ran. */
    private void refuse(KernelTask t, String reason) {
        if (!t.transition(SyscallStatus.HELD, SyscallStatus.FAILED)) {
            return;
        }
        t.pending = null;
        events.accessDenied(t.syscall, t.id, t.approval, reason, (clock.nanoTime() - t.arrivalNanos) / 1_000);
        finish(t, SyscallStatus.FAILED, null, reason, new SyscallRejectedException(Reason.ACCESS_DENIED, reason));
    }

    /** Tells the policy a held task no longer waits (cancelled, its agent unregistered, the kernel stopping). */
    private void withdraw(KernelTask t) {
        AccessDecision.Pending p = t.pending;
        t.pending = null;
        if (p != null) {
            withdraw(p, t);
        }
    }

    private void withdraw(AccessDecision.Pending p, Object what) {
        try {
            p.withdraw().run();
        } catch (RuntimeException e) {
            warn("the access policy failed to withdraw approval {} of {}: {}", p.approval(), what, e.toString());
        }
    }

    private SyscallRejectedException reject(Syscall call, Reason reason, String message) {
        events.rejected(call, reason.name(), message);
        return new SyscallRejectedException(reason, message);
    }

    @Override
    public boolean cancel(long id) {
        KernelTask t = tasks.get(id);
        return t != null && cancel(t, "cancelled");
    }

    private boolean cancel(KernelTask t, String why) {
        if (t.transition(SyscallStatus.HELD, SyscallStatus.CANCELLED)) {
            withdraw(t);
            finish(t, SyscallStatus.CANCELLED, null, why);
            return true;
        }
        if (t.transition(SyscallStatus.QUEUED, SyscallStatus.CANCELLED)) {
            queues.get(t.resource).remove(t);
            finish(t, SyscallStatus.CANCELLED, null, why);
            return true;
        }
        if (t.status() == SyscallStatus.RUNNING) {
            t.cancelRequested = true;
            return t.interruptRunner();
        }
        return false;
    }

    @Override
    public Optional<SyscallInfo> status(long id) {
        KernelTask t = tasks.get(id);
        if (t == null) {
            FinishedSyscall f = finished.get(id);
            return f == null ? Optional.empty() : Optional.of(f.info(clock));
        }
        String policy = t.policy != null ? t.policy : queues.get(t.resource).policyName();
        return Optional.of(new SyscallInfo(t.id, t.agent(), t.resource, t.kind, t.status(), policy,
                t.timings(), t.error));
    }

    @Override
    public AutoCloseable followText(long id, Consumer<String> listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null: pass what receives the pieces of syscall " + id
                    + "'s text");
        }
        KernelTask t = tasks.get(id);
        Resource resource = t != null ? t.resource : null;
        if (t == null) {
            FinishedSyscall f = finished.get(id); // moved there before it leaves tasks: one of the two has it
            if (f == null) {
                throw new IllegalArgumentException("syscall " + id + " is unknown: it was never submitted, or it"
                        + " finished so long ago that the kernel forgot it (see results.retained)");
            }
            resource = f.resource();
        }
        if (resource != Resource.LLM) {
            throw new IllegalArgumentException("syscall " + id + " is a " + resource.id() + " syscall: only an LLM"
                    + " syscall has text to follow");
        }
        return t != null ? t.follow(listener) : TextFollower.ended(listener); // ended: its result holds the text
    }

    /**
     * Hands the text so far to the task's followers; {@code last}: it is the whole text. A follower that throws is
     * dropped and the warning says so; the generation goes on.
     */
    private void deliverText(KernelTask t, String text, boolean last) {
        TextFollower[] fs = t.followers;
        if (fs == null) {
            return;
        }
        for (TextFollower f : fs) {
            try {
                f.offer(text, last);
            } catch (RuntimeException e) {
                warn("a follower of the text of {} threw and is sent nothing more (the syscall goes on): {}", t,
                        describe(e), e);
            }
        }
    }

    @Override
    public List<QueueInfo> queues() {
        return queues.values().stream().map(ResourceQueue::info).toList();
    }

    @Override
    public synchronized Map<String, String> policies() {
        Map<String, String> m = new TreeMap<>();
        policyProviders.forEach(p -> m.putIfAbsent(p.name(), p.description()));
        return m;
    }

    @Override
    public QueueInfo switchPolicy(Resource resource, String name, Map<String, String> params) {
        Map<String, String> given = Map.copyOf(params);
        synchronized (this) {
            PolicyProvider provider = best(name);
            if (provider == null) {
                throw new IllegalArgumentException("no scheduling policy named '" + name + "' is installed: use one of "
                        + String.join(", ", policies().keySet()) + ", or drop the policy's bundle into bundles/");
            }
            // try the parameters on an instance of its own first, so refused ones change nothing
            PolicyProvider.Lease trial = provider.lease();
            try {
                trial.instance().configure(given);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("policy '" + name + "' refused the parameters " + given + ": "
                        + e.getMessage(), e);
            } finally {
                releaseQuietly(trial);
            }
            parameters.put(resource, given);
            ResourceQueue q = queues.get(resource);
            q.setConfiguredPolicy(name, given);
            faultedProviders.clear();
            reconcile(resource);
            PolicyProvider.Lease running = leases.get(resource);
            if (running != null && running.provider() == provider) {
                q.reconfigure(running.instance(), given); // same policy as before: only its parameters change
            }
        }
        persistPolicy(resource, name, given);
        return queues.get(resource).info();
    }

    /** Keeps a switch across restarts: the kernel's configuration names the policy from now on. */
    private void persistPolicy(Resource resource, String name, Map<String, String> params) {
        ConfigurationAdmin ca = configAdmin;
        if (ca == null) {
            return;
        }
        try {
            Configuration c = ca.getConfiguration(PID, null);
            var props = c.getProperties() == null ? new Hashtable<String, Object>() : c.getProperties();
            props.put(resource.id() + ".policy", name);
            props.put(resource.id() + ".policy.parameters", params.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).sorted().toArray(String[]::new));
            c.updateIfDifferent(props);
        } catch (Exception e) {
            Logger l = log;
            if (l != null) {
                l.error("policy switch of the {} queue to {} applies now but was not saved in configuration {}: {}",
                        resource.id(), name, PID, e.toString());
            }
        }
    }

    // ---------------------------------------------------------------- running a task

    private void run(KernelTask t) {
        if (!t.transition(SyscallStatus.QUEUED, SyscallStatus.RUNNING)) {
            return; // cancelled while the worker took it
        }
        ResourceQueue q = queues.get(t.resource);
        boolean resumed = t.startNanos != 0;
        if (!resumed) {
            t.startNanos = clock.nanoTime();
            q.recordStart(t.startNanos - t.arrivalNanos);
            events.started(t);
        }
        t.bindRunner(Thread.currentThread());
        SyscallResult result = null;
        Throwable failure = null;
        try {
            result = execute(t, q);
        } catch (Throwable e) {
            failure = e;
        } finally {
            t.bindRunner(null);
        }
        if (t.cancelRequested) {
            if (t.transition(SyscallStatus.RUNNING, SyscallStatus.CANCELLED)) {
                finish(t, SyscallStatus.CANCELLED, null, "cancelled while running");
            }
        } else if (failure == null && result == null) {
            preempt(t, q);
        } else if (failure == null) {
            costs.record(t.syscall, t.kind, clock.nanoTime() - t.startNanos);
            t.transition(SyscallStatus.RUNNING, SyscallStatus.COMPLETED);
            finish(t, SyscallStatus.COMPLETED, result, null);
        } else {
            t.transition(SyscallStatus.RUNNING, SyscallStatus.FAILED);
            finish(t, SyscallStatus.FAILED, null, failure instanceof SyscallException se ? se.getMessage()
                    : t.resource.id() + " syscall " + t.id + " failed: " + describe(failure));
        }
    }

    /**
     * Runs an LLM syscall. A backend that generates in steps runs for one time slice of the queue's policy at a
     * time; when the slice is used up and other tasks wait, the generation is kept in the task and {@code null}
     * returned: the task goes back to the queue and continues where it stopped when its turn comes again.
     * Between steps the agent's token allowance is checked and pending checkpoints are served.
     */
    private LlmResult generate(KernelTask t, LlmQuery q, ResourceQueue queue) throws Exception {
        Generation g;
        synchronized (t) {
            g = t.generation;
            t.generation = null;
        }
        if (g == null) {
            LlmBackend b = backendFor(q);
            if (b == null) {
                throw new SyscallException(noBackend(q));
            }
            g = b.start(q);
            if (g == null) {
                t.unsteppable = true;
                serveCheckpoint(t, null);
                LlmResult r = b.complete(q); // this backend cannot be preempted
                ContextManager cm = contexts;
                if (cm != null) {
                    cm.charge(q.agent(), r.completionTokens());
                }
                deliverText(t, r.text(), true);
                return r;
            }
        }
        try {
            for (;;) {
                ResourceQueue.Slice slice = queue.slice();
                long sliceEnd = slice.nanos() > 0 ? clock.nanoTime() + slice.nanos() : Long.MAX_VALUE;
                int budget = slice.tokens() > 0 ? slice.tokens() : Integer.MAX_VALUE;
                // with a time limit, step a token at a time so the limit is checked at every token boundary
                int perStep = slice.nanos() > 0 ? 1 : STEP_TOKENS;
                // a closed queue ends the turn at once: its stand-in policy has no time slice, and the worker may
                // have missed the kernel's interrupt (taken the task just as it stopped), so without this check a
                // long generation would run to its end after the kernel stopped
                while (!g.finished() && budget > 0 && clock.nanoTime() < sliceEnd && !queue.isClosed()) {
                    int want = Math.min(budget, perStep);
                    ContextManager cm = contexts;
                    if (cm != null) {
                        want = cm.tokensAllowed(q.agent(), want);
                    }
                    int n = requireProgress(g, g.step(want));
                    budget -= n;
                    if (cm != null) {
                        cm.charge(q.agent(), n);
                    }
                    if (t.checkpointRequest != null) {
                        serveCheckpoint(t, g);
                    }
                    if (t.followers != null && !g.finished()) { // the finished text goes out below, whole
                        deliverText(t, g.result().text(), false);
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException("generation interrupted");
                    }
                }
                if (g.finished()) {
                    LlmResult r = g.result();
                    g.close();
                    deliverText(t, r.text(), true); // before the result completes: followers have it all first
                    return r;
                }
                if (queue.hasWaiting() || queue.isClosed()) {
                    // its turn is over; a closed queue will not take it back, which ends it
                    synchronized (t) {
                        t.generation = g;
                    }
                    return null;
                }
                // nobody else is waiting: a context switch would gain nothing, so the next slice runs at once
            }
        } catch (Exception | Error e) {
            g.close();
            throw e;
        }
    }

    /** Answers a pending {@link #checkpoint} of a running task with its generation's state ({@code null}: none). */
    private static void serveCheckpoint(KernelTask t, Generation g) {
        CompletableFuture<byte[]> request;
        synchronized (t) {
            request = t.checkpointRequest;
            t.checkpointRequest = null;
        }
        if (request != null) {
            try {
                if (g != null) {
                    t.checkpointTokens = g.tokens();
                }
                request.complete(g == null ? new byte[0] : g.snapshot());
            } catch (RuntimeException e) {
                request.completeExceptionally(e);
            }
        }
    }

    @Override
    public List<GenerationCheckpoint> checkpoint(String agent) {
        AgentRecord a = agents.get(agent);
        if (a == null) {
            throw new IllegalArgumentException("agent '" + agent + "' is not registered");
        }
        List<KernelTask> mine = tasks.values().stream().filter(t -> t.agent == a && t.syscall instanceof LlmQuery)
                .sorted(Comparator.comparingLong(t -> t.id)).toList();
        List<GenerationCheckpoint> out = new ArrayList<>(mine.size());
        for (KernelTask t : mine) {
            byte[] state = stateOf(t);
            if (state != null) {
                out.add(new GenerationCheckpoint(t.id, (LlmQuery) t.syscall, t.checkpointTokens, state));
            }
        }
        return out;
    }

    /**
     * A task's generation state: a waiting one's at once, a running one's from its worker at its next step;
     * empty if it has not started or cannot be snapshotted, {@code null} if it finished meanwhile.
     */
    private byte[] stateOf(KernelTask t) {
        for (;;) {
            CompletableFuture<byte[]> request;
            synchronized (t) {
                SyscallStatus st = t.status();
                if (st != SyscallStatus.QUEUED && st != SyscallStatus.RUNNING) {
                    return null;
                }
                Generation parked = t.generation;
                if (parked != null) { // no worker holds it: taking it back needs this lock
                    t.checkpointTokens = parked.tokens();
                    return snapshotOrEmpty(parked);
                }
                if (t.unsteppable || (st == SyscallStatus.QUEUED && t.startNanos == 0)) {
                    return new byte[0];
                }
                request = t.checkpointRequest;
                if (request == null) {
                    request = t.checkpointRequest = new CompletableFuture<>();
                }
            }
            try {
                // the worker answers at its next step; if it parks or finishes first, look again
                return request.get(CHECKPOINT_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // not answered yet: the task may have been parked, finished or not stepped; look again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SyscallException("interrupted while capturing syscall " + t.id);
            } catch (ExecutionException e) {
                return new byte[0]; // its backend cannot snapshot: it runs again from its query
            }
        }
    }

    private static byte[] snapshotOrEmpty(Generation g) {
        try {
            return g.snapshot();
        } catch (UnsupportedOperationException e) {
            return new byte[0];
        }
    }

    /** A step that generates nothing must finish the generation, or the kernel would wait forever. */
    private static int requireProgress(Generation g, int generated) {
        if (generated <= 0 && !g.finished()) {
            throw new SyscallException("the LLM backend's generation made no progress in a step and did not finish;"
                    + " this is a bug in the backend");
        }
        return generated;
    }

    /** Puts a generation that used up its slice back in its queue, its state kept in the task. */
    private void preempt(KernelTask t, ResourceQueue q) {
        t.preemptions++;
        Generation g = t.generation;
        events.preempted(t, g == null ? 0 : g.tokens());
        if (t.transition(SyscallStatus.RUNNING, SyscallStatus.QUEUED) && !q.requeue(t)
                && t.transition(SyscallStatus.QUEUED, SyscallStatus.CANCELLED)) {
            finish(t, SyscallStatus.CANCELLED, null, "the kernel stopped before the generation could continue");
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    }

    private void finish(KernelTask t, SyscallStatus status, SyscallResult result, String error) {
        finish(t, status, result, error, null);
    }

    /**
     * Ends a task. {@code refusal}, for a FAILED task, is the exception its result fails with when the task never
     * ran (held and denied, or its queue refused it when allowed); such a task is not counted as a failure of its
     * queue.
     */
    private void finish(KernelTask t, SyscallStatus status, SyscallResult result, String error,
                        SyscallRejectedException refusal) {
        t.endNanos = clock.nanoTime();
        Generation kept;
        synchronized (t) {
            kept = t.generation;
            t.generation = null;
        }
        if (kept != null) {
            kept.close(); // a preempted generation that will not continue
        }
        t.endFollowing();
        serveCheckpoint(t, null);
        t.error = error;
        ResourceQueue q = queues.get(t.resource);
        t.agent.finished.increment();
        boolean late = t.endNanos > t.deadlineNanos;
        if (late) {
            q.deadlineMisses.increment();
        }
        ContextManager cm = contexts;
        if (cm != null) {
            cm.finished(t.syscall, status, result); // before the caller sees the result: its context includes it
        }
        Runnable complete = switch (status) {
            case COMPLETED -> {
                q.completed.increment();
                t.agent.completed.increment();
                yield () -> t.result.succeed(result);
            }
            case FAILED -> {
                if (refusal == null) {
                    q.failed.increment();
                }
                t.agent.failed.increment();
                SyscallException failure = refusal != null ? refusal : new SyscallException(error);
                yield () -> t.result.fail(failure);
            }
            default -> t.result::cancelled;
        };
        acknowledge(t, complete);
        // the event may reach its handlers before the caller sees the result: the history recorder decides when
        events.finished(t, switch (status) {
            case COMPLETED -> KernelEvents.COMPLETED;
            case FAILED -> KernelEvents.FAILED;
            default -> KernelEvents.CANCELLED;
        });
        if (late) {
            events.deadlineMissed(t);
        }
        retain(t);
    }

    /**
     * Completes a finished syscall's handle: through the history recorder when one is installed, so that the caller
     * sees the result only once its history entry is durable; at once otherwise, or when the recorder refuses it.
     */
    private void acknowledge(KernelTask t, Runnable complete) {
        SyscallHistory recorder = history;
        if (recorder == null) {
            complete.run();
            return;
        }
        Acknowledgment ack = new Acknowledgment(complete);
        synchronized (unacknowledged) {
            unacknowledged.add(ack);
        }
        try {
            recorder.record(FinishedSyscall.of(t).info(clock), t.priority(), ack);
            t.recorded = true; // before the finished event is queued, which publishes it
        } catch (RuntimeException e) {
            Logger l = log;
            if (l != null) {
                l.error("the history recorder failed on {}: {}; the syscall is acknowledged without a durable history"
                        + " entry (check the storage manager's log and database)", t, describe(e), e);
            }
            ack.run();
        }
    }

    /**
     * A handle's completion handed to the history recorder: runs once, whoever runs it first (the recorder, or the
     * kernel when it stops with acknowledgments still pending).
     */
    private final class Acknowledgment implements Runnable {
        private final Runnable complete;
        private final AtomicBoolean done = new AtomicBoolean();

        Acknowledgment(Runnable complete) {
            this.complete = complete;
        }

        @Override
        public void run() {
            if (done.compareAndSet(false, true)) {
                try {
                    complete.run();
                } finally {
                    synchronized (unacknowledged) {
                        unacknowledged.remove(this);
                        unacknowledged.notifyAll(); // a stopping kernel may be waiting for the last one
                    }
                }
            }
        }
    }

    /**
     * Waits, for at most {@link #acknowledgeWaitMs}, until the history recorder has acknowledged every syscall
     * handed to it, then completes what is left itself: no handle stays incomplete after the kernel stopped.
     */
    private void acknowledgePending() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(acknowledgeWaitMs);
        List<Acknowledgment> left;
        synchronized (unacknowledged) {
            long remaining;
            while (!unacknowledged.isEmpty() && (remaining = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(unacknowledged, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            left = List.copyOf(unacknowledged);
        }
        if (!left.isEmpty()) {
            warn("the kernel stopped with {} syscalls whose history the recorder had not acknowledged after {} ms;"
                    + " they are acknowledged now and may be missing from the task history", left.size(),
                    acknowledgeWaitMs);
            left.forEach(Acknowledgment::run);
        }
    }

    /**
     * Moves a finished syscall from the active ones to the compact history (in that order, so a look-up always
     * finds it); forgets the oldest past the configured number.
     */
    private void retain(KernelTask t) {
        finished.put(t.id, FinishedSyscall.of(t));
        tasks.remove(t.id);
        AtomicLongArray ring = retained;
        int slot = (int) (finishedCount.getAndIncrement() % ring.length());
        long old = ring.getAndSet(slot, t.id);
        if (old != 0) {
            finished.remove(old);
        }
    }

    /** Runs a task on the service of its resource; {@code null} means a generation was preempted (see generate). */
    private SyscallResult execute(KernelTask t, ResourceQueue queue) throws Exception {
        return switch (t.syscall) {
            case LlmQuery q -> generate(t, q, queue);
            case MemoryQuery q -> {
                MemoryManager m = memory;
                if (m == null) {
                    throw new SyscallException(noMemory());
                }
                yield m.execute(q);
            }
            case StorageQuery q -> {
                StorageManager s = storage;
                if (s == null) {
                    throw new SyscallException(noStorage());
                }
                yield s.execute(q);
            }
            case ToolQuery q -> runTools(q);
        };
    }

    /**
     * Runs a tool syscall's calls in order through the tool manager, which checks their arguments and applies each
     * tool's parallelism limit and timeout; one outcome per call. A manager that went away since submit fails the
     * calls left with an outcome naming it.
     */
    private ToolResult runTools(ToolQuery q) throws InterruptedException {
        List<ToolResult.Outcome> outcomes = new ArrayList<>(q.calls().size());
        int i = 0;
        for (ToolCall c : q.calls()) {
            String callId = c.id() == null ? String.valueOf(i) : c.id();
            i++;
            ToolManager tm = toolManager;
            if (tm == null) {
                outcomes.add(ToolResult.Outcome.failure(callId, c.name(), noToolManager()));
                continue;
            }
            try {
                outcomes.add(tm.call(q.agent(), callId, c));
            } catch (RuntimeException e) {
                // the manager's contract is an outcome for every call; one that throws must not fail the others
                outcomes.add(ToolResult.Outcome.failure(callId, c.name(), "tool " + c.name()
                        + " could not be run: the tool manager failed: " + describe(e)));
            }
        }
        return new ToolResult(outcomes);
    }

    /** Why no service can run this syscall now, or {@code null} if one can. */
    private String missingService(Syscall call) {
        return switch (call) {
            case LlmQuery q -> backendFor(q) == null ? noBackend(q) : null;
            case MemoryQuery q -> memory == null ? noMemory() : null;
            case StorageQuery q -> storage == null ? noStorage() : null;
            case ToolQuery q -> missingTool(q);
        };
    }

    private LlmBackend backendFor(LlmQuery q) {
        for (Ranked<LlmBackend> r : llms) {
            if (q.model() == null || r.service().models().contains(q.model())) {
                return r.service();
            }
        }
        return null;
    }

    private String noBackend(LlmQuery q) {
        if (llms.isEmpty()) {
            return "no LLM backend is installed: install one (such as llm.local) by dropping its bundle into bundles/";
        }
        String served = llms.stream().flatMap(r -> r.service().models().stream()).collect(Collectors.joining(", "));
        return "no LLM backend serves model '" + q.model() + "': " + (served.isEmpty()
                ? "the installed backends serve no model now (llm:models and openai:models say why)" : "installed models are " + served);
    }

    private static String noMemory() {
        return "no memory manager is installed: install manager.memory (drop its bundle into bundles/)";
    }

    private static String noStorage() {
        return "no storage manager is installed: install manager.storage (drop its bundle into bundles/)";
    }

    private static String noToolManager() {
        return "no tool manager is installed: install manager.tool (drop its bundle into bundles/)";
    }

    /** Why a tool syscall cannot run: no tool manager, or the first call naming a tool that is not installed. */
    private String missingTool(ToolQuery q) {
        ToolManager tm = toolManager;
        if (tm == null) {
            return noToolManager();
        }
        for (ToolCall c : q.calls()) {
            if (tm.tool(c.name()).isEmpty()) {
                List<ToolDescriptor> installed = tm.tools();
                return "no tool named '" + c.name() + "' is installed: " + (installed.isEmpty()
                        ? "no tool is installed; drop a tool bundle into bundles/"
                        : "installed are " + installed.stream().map(ToolDescriptor::name)
                                .collect(Collectors.joining(", ")));
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- policies

    @Reference(service = SchedulingPolicy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, scope = ReferenceScope.PROTOTYPE, unbind = "removePolicy")
    void addPolicy(ComponentServiceObjects<SchedulingPolicy> objects, Map<String, Object> props) {
        Object name = props.get(SchedulingPolicy.NAME);
        Object scope = props.get(Constants.SERVICE_SCOPE);
        if (!(name instanceof String n) || n.isBlank()) {
            warn("a SchedulingPolicy service (id {}) has no {} property; it is ignored",
                    props.get(Constants.SERVICE_ID), SchedulingPolicy.NAME);
            return;
        }
        if (!Constants.SCOPE_PROTOTYPE.equals(scope)) {
            warn("scheduling policy '{}' is registered with scope {}; it must be scope=prototype so that each queue"
                    + " gets its own instance; it is ignored", n, scope);
            return;
        }
        Object description = props.get(SchedulingPolicy.DESCRIPTION);
        installPolicy(new PolicyProvider(n, description == null ? "" : description.toString(), rankOf(props),
                (Long) props.get(Constants.SERVICE_ID), objects::getService, objects::ungetService));
    }

    void removePolicy(ComponentServiceObjects<SchedulingPolicy> objects, Map<String, Object> props) {
        uninstallPolicy((Long) props.get(Constants.SERVICE_ID));
    }

    /** Installs a policy provider (the OSGi binding calls this; tests may call it directly). */
    synchronized void installPolicy(PolicyProvider p) {
        policyProviders.add(p);
        policyProviders.sort(Comparator.comparingLong(PolicyProvider::rank).reversed()
                .thenComparingLong(PolicyProvider::id));
        if (queues != null) {
            reconcileAll();
        }
    }

    /** Removes a policy provider: queues using it move to another provider of the same name, or to FIFO. */
    synchronized void uninstallPolicy(long providerId) {
        policyProviders.removeIf(p -> p.id() == providerId);
        faultedProviders.remove(providerId);
        if (queues != null) {
            reconcileAll();
        }
        retired.removeIf(lease -> {
            if (lease.provider().id() == providerId) {
                releaseQuietly(lease);
                return true;
            }
            return false;
        });
    }

    private PolicyProvider best(String name) {
        for (PolicyProvider p : policyProviders) {
            if (p.name().equals(name) && !faultedProviders.contains(p.id())) {
                return p;
            }
        }
        return null;
    }

    private void reconcileAll() {
        for (Resource r : Resource.values()) {
            reconcile(r);
        }
    }

    /** Makes the queue run the policy its configuration names, or the built-in FIFO while that is missing. */
    private void reconcile(Resource r) {
        ResourceQueue q = queues.get(r);
        String wanted = q.configuredPolicy();
        PolicyProvider target = best(wanted);
        PolicyProvider.Lease current = leases.get(r);
        if (current != null && current.provider() == target) {
            return;
        }
        if (target == null && current == null) {
            return; // already on the built-in FIFO
        }
        ResourceQueue.Swap swap;
        PolicyProvider.Lease next = null;
        if (target != null) {
            try {
                next = target.lease();
                next.instance().configure(parameters.get(r));
            } catch (RuntimeException e) {
                if (next != null) {
                    releaseQuietly(next);
                }
                faultedProviders.add(target.id());
                warn("scheduling policy '{}' could not start on the {} queue: {}", wanted, r.id(), e.toString());
                reconcile(r);
                return;
            }
            swap = q.swap(next.instance(), wanted, next);
        } else {
            swap = q.swap(new BuiltinFifo(), BuiltinFifo.NAME, null);
            swap = new ResourceQueue.Swap(swap.previous(), swap.next(), swap.moved(), swap.pauseNanos(),
                    "policy '" + wanted + "' is not installed; the " + r.id() + " queue runs FIFO until it is");
        }
        if (current != null) {
            releaseQuietly(current);
        }
        if (next != null && q.policyOwner() == next) {
            leases.put(r, next);
        } else {
            leases.remove(r);
            if (next != null) {
                releaseQuietly(next);
            }
        }
        events.queue(swap.fault() == null ? KernelEvents.POLICY_CHANGED : KernelEvents.POLICY_FALLBACK, r.id(), swap);
    }

    /**
     * Called by a queue, under its lock, when its policy failed and was replaced by FIFO. The kernel's own
     * bookkeeping happens on another thread (taking the kernel's lock under the queue's could deadlock); the
     * failed instance is retired, and released when its provider goes away or the kernel stops.
     */
    private void policyFault(Resource r, ResourceQueue.Swap swap, Object failedOwner) {
        Thread.ofVirtual().start(() -> {
            synchronized (this) {
                if (failedOwner instanceof PolicyProvider.Lease failed && leases.get(r) == failed) {
                    leases.remove(r);
                    faultedProviders.add(failed.provider().id());
                    retired.add(failed);
                }
            }
        });
        warn("{}", swap.fault());
        events.queue(KernelEvents.POLICY_FALLBACK, r.id(), swap);
    }

    private void releaseQuietly(PolicyProvider.Lease lease) {
        try {
            lease.release();
        } catch (RuntimeException e) {
            warn("releasing scheduling policy '{}' failed: {}", lease.provider().name(), e.toString());
        }
    }

    private void warn(String format, Object... args) {
        Logger l = log;
        if (l != null) {
            l.warn(format, args);
        }
    }

    private static long rankOf(Map<String, Object> props) {
        return props.get(Constants.SERVICE_RANKING) instanceof Integer i ? i : 0;
    }

    // ---------------------------------------------------------------- the services that run syscalls

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setEventAdmin(EventAdmin ea) {
        events.setEventAdmin(ea);
    }

    void unsetEventAdmin(EventAdmin ea) {
        events.unsetEventAdmin(ea);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setConfigurationAdmin(ConfigurationAdmin ca) {
        this.configAdmin = ca;
    }

    void unsetConfigurationAdmin(ConfigurationAdmin ca) {
        if (this.configAdmin == ca) {
            this.configAdmin = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setAccessPolicy(AccessPolicy p) {
        this.access = p;
    }

    void unsetAccessPolicy(AccessPolicy p) {
        if (this.access == p) {
            this.access = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setMemoryManager(MemoryManager m) {
        this.memory = m;
    }

    void unsetMemoryManager(MemoryManager m) {
        if (this.memory == m) {
            this.memory = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setStorageManager(StorageManager s) {
        this.storage = s;
    }

    void unsetStorageManager(StorageManager s) {
        if (this.storage == s) {
            this.storage = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setContextManager(ContextManager c) {
        this.contexts = c;
    }

    void unsetContextManager(ContextManager c) {
        if (this.contexts == c) {
            this.contexts = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setSyscallHistory(SyscallHistory h) {
        this.history = h;
    }

    // entries it holds are still acknowledged by it (its contract), or by acknowledgePending when the kernel stops
    void unsetSyscallHistory(SyscallHistory h) {
        if (this.history == h) {
            this.history = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeLlmBackend")
    void addLlmBackend(ServiceReference<LlmBackend> ref, LlmBackend backend) {
        synchronized (llms) {
            llms.add(new Ranked<>(ref, backend));
            List<Ranked<LlmBackend>> sorted = new ArrayList<>(llms);
            sorted.sort((a, b) -> b.ref() == null || a.ref() == null ? 0 : b.ref().compareTo(a.ref()));
            llms.clear();
            llms.addAll(sorted);
        }
    }

    void removeLlmBackend(ServiceReference<LlmBackend> ref, LlmBackend backend) {
        llms.removeIf(r -> r.service() == backend);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void setToolManager(ToolManager m) {
        this.toolManager = m;
    }

    void unsetToolManager(ToolManager m) {
        if (this.toolManager == m) {
            this.toolManager = null;
        }
    }
}
