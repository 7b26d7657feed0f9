package aios.sdk.runtime;

import aios.kernel.api.Kernel;
import aios.kernel.api.agent.AgentDescription;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentProcess.Status;
import aios.kernel.api.agent.AgentRunner;
import aios.kernel.api.event.KernelEvents;
import aios.sdk.Agent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.event.EventConstants;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The agent runtime: runs the installed {@link Agent} services as processes. {@link #start} queues a process;
 * up to {@code processes.parallel} run at once, each on a virtual thread of its own with a {@link ProcessSession}
 * acting as the kernel agent of the {@link Agent}'s name (registered when a process starts). Agents come and go
 * dynamically; the processes of one that goes away are killed.
 *
 * <p>Thread-safe. The queue, the running count and the retained finished processes are guarded by {@code lock}; each
 * process's own state by the process (taken inside {@code lock}, never the other way round).
 */
@Component(service = AgentRunner.class, configurationPid = AgentProcesses.PID, immediate = true)
@Designate(ocd = RunnerConfig.class)
public final class AgentProcesses implements AgentRunner {

    static final String PID = "aios.agents";
    /** The kernel's rule for agent names ({@link Kernel#register}). */
    private static final Pattern AGENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** How long a stopping runtime waits for the threads of the processes it killed. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Kernel kernel;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final ConcurrentHashMap<Long, RunningProcess> processes = new ConcurrentHashMap<>();
    /** Installed agents by name, the one started first in each list. */
    private final ConcurrentHashMap<String, List<InstalledAgent>> agents = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    private final ArrayDeque<RunningProcess> queued = new ArrayDeque<>(); // guarded by lock
    private final ArrayDeque<Long> endedInOrder = new ArrayDeque<>(); // guarded by lock
    private int running; // guarded by lock
    private int parallel; // guarded by lock
    private int retained; // guarded by lock
    private boolean stopping; // guarded by lock

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    volatile Logger log;

    @Activate
    public AgentProcesses(@Reference Kernel kernel, RunnerConfig config) {
        this(kernel, config, Clock.systemUTC());
    }

    AgentProcesses(Kernel kernel, RunnerConfig config, Clock clock) {
        this.kernel = kernel;
        this.clock = clock;
        configure(config);
    }

    @Modified
    void modified(RunnerConfig config) {
        configure(config);
    }

    private void configure(RunnerConfig config) {
        synchronized (lock) {
            parallel = Math.max(1, config.processes_parallel());
            retained = Math.max(1, config.processes_retained());
            forgetBeyondRetained();
            dispatch();
        }
    }

    @Deactivate
    void deactivate() {
        synchronized (lock) {
            stopping = true;
        }
        List<Thread> threads = new ArrayList<>();
        for (RunningProcess p : processes.values()) {
            Thread t = p.thread();
            if (kill(p, "killed: the agent runtime stopped") && t != null) {
                threads.add(t);
            }
        }
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                warn("the thread {} of a killed agent process still runs {} after the runtime stopped: the agent "
                        + "ignores interruption", t.getName(), STOP_WAIT);
            }
        }
    }

    // ---------------------------------------------------------------- AgentRunner

    @Override
    public List<AgentDescription> agents() {
        return new TreeMap<>(agents).values().stream().filter(l -> !l.isEmpty())
                .map(l -> l.get(0).asDescription()).toList();
    }

    @Override
    public AgentProcess start(String agent, String input) {
        InstalledAgent installed = installed(agent);
        RunningProcess p = new RunningProcess(ids.incrementAndGet(), installed, input == null ? "" : input,
                now());
        AgentProcess accepted;
        synchronized (lock) {
            if (stopping) {
                throw new IllegalStateException("the agent runtime is stopping: agent '" + agent
                        + "' was not started");
            }
            processes.put(p.id, p);
            queued.add(p);
            dispatch();
            accepted = p.snapshot();
        }
        return accepted;
    }

    @Override
    public Optional<AgentProcess> process(long id) {
        return Optional.ofNullable(processes.get(id)).map(RunningProcess::snapshot);
    }

    @Override
    public List<AgentProcess> processes() {
        return processes.values().stream().map(RunningProcess::snapshot)
                .sorted(Comparator.comparingLong(AgentProcess::id)).toList();
    }

    @Override
    public boolean kill(long id) {
        return kill(known(id), "killed on request");
    }

    @Override
    public CompletionStage<AgentProcess> finished(long id) {
        return known(id).finished.minimalCompletionStage();
    }

    // ---------------------------------------------------------------- processes

    /** Starts queued processes while there is room. Holds {@code lock}. */
    private void dispatch() {
        while (running < parallel && !queued.isEmpty() && !stopping) {
            RunningProcess p = queued.poll();
            ProcessSession session = new ProcessSession(kernel, p.agent.name(), p.id);
            Thread thread = Thread.ofVirtual().name("aios-agent-" + p.agent.name() + "-p" + p.id)
                    .unstarted(() -> run(p, session));
            if (p.begin(now(), thread, session)) {
                running++;
                publish(KernelEvents.AGENT_STARTED, p.snapshot());
                thread.start();
            }
        }
    }

    /** The body of a process's thread. */
    private void run(RunningProcess p, ProcessSession session) {
        try {
            if (p.status() != Status.RUNNING) {
                return; // killed between its start and now
            }
            kernel.register(p.agent.name());
            String result = p.agent.agent().run(session, p.input);
            ended(p, p.end(Status.DONE, result == null ? "" : result, null, now()), KernelEvents.AGENT_FINISHED);
        } catch (Throwable t) {
            AgentProcess failed = p.end(Status.FAILED, null, describe(t), now());
            if (failed != null) {
                warn("agent process p{} ({}) failed: {}", p.id, p.agent.name(), failed.error(), t);
                ended(p, failed, KernelEvents.AGENT_FAILED);
            }
            if (t instanceof VirtualMachineError e) {
                throw e;
            }
        } finally {
            session.close("has ended");
            synchronized (lock) {
                running--;
                dispatch();
            }
        }
    }

    /** Kills a process unless it has ended; see {@link AgentRunner#kill}. */
    private boolean kill(RunningProcess p, String reason) {
        synchronized (lock) {
            queued.remove(p);
        }
        AgentProcess killed = p.end(Status.KILLED, null, reason, now());
        if (killed == null) {
            return false;
        }
        p.stop("was " + reason);
        ended(p, killed, KernelEvents.AGENT_KILLED);
        return true;
    }

    /**
     * Bookkeeping for a process that has just ended ({@code ended} null: it had ended before); those waiting for it
     * are told last, so they see the table as it is after the end.
     */
    private void ended(RunningProcess p, AgentProcess ended, String topic) {
        if (ended == null) {
            return;
        }
        synchronized (lock) {
            endedInOrder.add(p.id);
            forgetBeyondRetained();
        }
        publish(topic, ended);
        p.finished.complete(ended);
    }

    /** Holds {@code lock}. */
    private void forgetBeyondRetained() {
        while (endedInOrder.size() > retained) {
            processes.remove(endedInOrder.poll());
        }
    }

    private RunningProcess known(long id) {
        RunningProcess p = processes.get(id);
        if (p == null) {
            throw new IllegalArgumentException("no agent process p" + id + " is known: it never existed, or it ended "
                    + "long enough ago to be forgotten (processes.retained in " + PID + ")");
        }
        return p;
    }

    private InstalledAgent installed(String name) {
        List<InstalledAgent> candidates = name == null ? null : agents.get(name);
        if (candidates == null || candidates.isEmpty()) {
            List<AgentDescription> all = agents();
            throw new IllegalArgumentException("no agent named '" + name + "' is installed: " + (all.isEmpty()
                    ? "no agent is installed; install a bundle with an Agent component (drop it into bundles/)"
                    : "the installed agents are " + String.join(", ", all.stream().map(AgentDescription::name).toList())));
        }
        return candidates.get(0);
    }

    // ---------------------------------------------------------------- agents

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeAgent")
    void addAgent(Agent agent, Map<String, Object> properties) {
        String name;
        String description;
        try {
            name = agent.name();
            description = agent.description();
        } catch (RuntimeException e) {
            error("agent service {} ({}) is ignored: its name() or description() threw {}", properties.get(
                    Constants.SERVICE_ID), agent.getClass().getName(), e.toString());
            return;
        }
        if (name == null || !AGENT_NAME.matcher(name).matches()) {
            error("agent service {} ({}) is ignored: its name '{}' is not an agent name: give 1-64 characters from "
                    + "A-Z a-z 0-9 . _ -, starting with a letter or digit", properties.get(Constants.SERVICE_ID),
                    agent.getClass().getName(), name);
            return;
        }
        InstalledAgent installed = new InstalledAgent(name, description, agent,
                properties.get(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0,
                properties.get(Constants.SERVICE_ID) instanceof Long id ? id : 0);
        agents.compute(name, (n, list) -> {
            List<InstalledAgent> l = list == null ? new ArrayList<>() : new ArrayList<>(list);
            l.add(installed);
            l.sort(null);
            if (l.size() > 1) {
                warn("{} agent services are named '{}'; processes start {} (the highest ranked)", l.size(), n,
                        l.get(0).agent().getClass().getName());
            }
            return List.copyOf(l);
        });
    }

    void removeAgent(Agent agent, Map<String, Object> properties) {
        agents.replaceAll((n, list) -> list.stream().filter(i -> i.agent() != agent).toList());
        agents.values().removeIf(List::isEmpty);
        for (RunningProcess p : processes.values()) {
            if (p.agent.agent() == agent) {
                kill(p, "killed: its agent '" + p.agent.name() + "' went away (its bundle stopped or was updated)");
            }
        }
    }

    // ---------------------------------------------------------------- events and log

    private void publish(String topic, AgentProcess p) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(KernelEvents.PROCESS, p.id());
        props.put(KernelEvents.AGENT, p.agent());
        props.put(KernelEvents.ARRIVAL, micros(p.submitted()));
        if (p.started() != null) {
            props.put(KernelEvents.START, micros(p.started()));
            props.put(KernelEvents.WAITING, micros(p.started()) - micros(p.submitted()));
        }
        if (p.ended() != null) {
            props.put(KernelEvents.END, micros(p.ended()));
            props.put(KernelEvents.TURNAROUND, micros(p.ended()) - micros(p.submitted()));
        }
        if (p.error() != null) {
            props.put(KernelEvents.ERROR, p.error());
        }
        props.put(EventConstants.TIMESTAMP, clock.millis());
        ea.postEvent(new Event(topic, props));
    }

    private static long micros(Instant i) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, i);
    }

    private Instant now() {
        return clock.instant();
    }

    /** The message a FAILED process shows: the exception's own, or its kind when it has none. */
    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getName() : m;
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
