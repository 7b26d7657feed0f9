package aios.shell;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallInfo;
import aios.kernel.api.Timings;
import aios.kernel.api.syscall.Resource;
import aios.text.TextTable;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code aios:} Gogo commands: registering agents, queues, policies, syscall status. */
@Component(service = KernelCommands.class, property = {
        "osgi.command.scope=aios",
        "osgi.command.function=register",
        "osgi.command.function=unregister",
        "osgi.command.function=queues",
        "osgi.command.function=policy",
        "osgi.command.function=stat"})
public final class KernelCommands {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());

    @Reference
    private Kernel kernel;

    public KernelCommands() {
    }

    KernelCommands(Kernel kernel) {
        this.kernel = kernel;
    }

    @Descriptor("register an agent so that it may submit syscalls")
    public String register(@Descriptor("agent name: 1–64 of A-Z a-z 0-9 . _ -") String name) {
        AgentInfo a = kernel.register(name);
        return "agent " + a.name() + " registered\n";
    }

    @Descriptor("unregister an agent; its waiting syscalls are cancelled")
    public String unregister(@Descriptor("agent name") String name) {
        if (!kernel.unregister(name)) {
            throw new IllegalArgumentException("no agent named '" + name + "' is registered (aios:agents lists them)");
        }
        return "agent " + name + " unregistered\n";
    }

    @Descriptor("show every resource queue: policy, waiting, running, completed, mean waiting time, workers (count,"
            + " thread kind, the CPUs they are pinned to)")
    public String queues() {
        TextTable t = new TextTable("QUEUE", "POLICY", "WAITING", "RUNNING", "COMPLETED", "FAILED", "LATE", "MEAN WAIT",
                "WORKERS", "CAPACITY");
        StringBuilder unpinned = new StringBuilder();
        for (QueueInfo q : kernel.queues()) {
            t.row(q.resource().id(), policyOf(q), q.waiting(), q.running(), q.completed(), q.failed(), q.deadlineMisses(),
                    duration(q.meanWaiting()), workersOf(q), q.capacity());
            if (q.cpuBindingFailure() != null) {
                unpinned.append(q.resource().id()).append(": the workers run unpinned: ").append(q.cpuBindingFailure())
                        .append('\n');
            }
        }
        return unpinned.isEmpty() ? t.toString() : t + "\n" + unpinned;
    }

    /** The WORKERS column: {@code 2 platform}, {@code 2 platform cpus 0-1}, {@code 2 platform cpus 0-1 (unpinned)}. */
    private static String workersOf(QueueInfo q) {
        String workers = q.workers() + " " + q.threads();
        if (q.cpus().isEmpty()) {
            return workers;
        }
        return workers + " cpus " + q.cpus() + (q.cpuBindingFailure() == null ? "" : " (unpinned)");
    }

    @Descriptor("list the installed scheduling policies and which queue runs which")
    public String policy() {
        StringBuilder sb = new StringBuilder();
        TextTable installed = new TextTable("POLICY", "DESCRIPTION");
        kernel.policies().forEach((name, description) -> installed.row(name, description));
        sb.append(installed);
        sb.append('\n');
        TextTable queues = new TextTable("QUEUE", "POLICY");
        for (QueueInfo q : kernel.queues()) {
            queues.row(q.resource().id(), policyOf(q));
        }
        return sb.append(queues).toString();
    }

    @Descriptor("show the policy of one queue")
    public String policy(@Descriptor("queue: llm, memory, storage or tool") String resource) {
        QueueInfo q = queue(Resource.parse(resource));
        return q.resource().id() + ": " + policyOf(q) + " (installed: " + String.join(", ", kernel.policies().keySet())
                + ")\n";
    }

    @Descriptor("switch the policy of one queue while it runs; waiting syscalls move over, none is lost. Parameters"
            + " (key=value) replace the queue's previous ones: priority aging.rate=R (points per second waited);"
            + " fair weights=AGENT:W,AGENT:W; rr slice.tokens=N slice.ms=N; fifo, sjf, edf take none")
    public String policy(@Descriptor("queue: llm, memory, storage or tool") String resource,
                         @Descriptor("an installed policy's name (aios:policy lists them)") String name,
                         @Descriptor("the policy's parameters, key=value each") String... parameters) {
        Resource r = Resource.parse(resource);
        Map<String, String> given = new LinkedHashMap<>();
        for (String p : parameters) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("policy parameter '" + p + "' is not of the form key=value");
            }
            given.put(p.substring(0, eq), p.substring(eq + 1));
        }
        String before = policyOf(queue(r));
        QueueInfo after = kernel.switchPolicy(r, name, given);
        return r.id() + ": " + before + " -> " + policyOf(after) + " (" + after.waiting() + " waiting)\n";
    }

    @Descriptor("show one syscall's status and timings")
    public String stat(@Descriptor("syscall id") long id) {
        SyscallInfo s = kernel.status(id).orElseThrow(() -> new IllegalArgumentException("no syscall " + id
                + " is known: it never existed or is older than the kernel keeps (history.retained)"));
        Timings t = s.timings();
        TextTable table = new TextTable("FIELD", "VALUE");
        table.row("id", s.id()).row("agent", s.agent()).row("kind", s.kind()).row("status", s.status())
                .row("policy", s.policy()).row("arrival", instant(t.arrival())).row("start", instant(t.start()))
                .row("end", instant(t.end())).row("waiting", duration(t.waiting()))
                .row("service", duration(t.service())).row("turnaround", duration(t.turnaround()))
                .row("error", s.error());
        return table.toString();
    }

    private QueueInfo queue(Resource r) {
        return kernel.queues().stream().filter(q -> q.resource() == r).findFirst().orElseThrow();
    }

    private static String policyOf(QueueInfo q) {
        String params = q.parameters().isEmpty() ? "" : " " + q.parameters().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().collect(Collectors.joining(" "));
        return q.policy().equals(q.configuredPolicy()) ? q.policy() + params
                : q.policy() + " (configured: " + q.configuredPolicy() + params + ")";
    }

    private static String instant(Instant i) {
        return i == null ? null : TIME.format(i);
    }

    static String duration(Duration d) {
        if (d == null) {
            return null;
        }
        long us = d.toNanos() / 1_000;
        if (us < 10_000) {
            return us + " µs";
        }
        if (us < 10_000_000) {
            return (us / 1_000) + " ms";
        }
        return d.toSeconds() + " s";
    }
}
