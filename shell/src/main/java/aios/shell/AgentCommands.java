package aios.shell;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.Kernel;
import aios.kernel.api.agent.AgentDescription;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentRunner;
import aios.text.TextTable;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code aios:} commands of agents: {@code run}, {@code ps}, {@code kill} for agent processes, {@code agents} for
 * the installed agents and those registered with the kernel. {@code aios:wait pN} ({@link WaitCommand}) waits for a
 * process. Process ids are shown as {@code p} and the number, so that they are never taken for syscall ids.
 */
@Component(service = AgentCommands.class, property = {
        "osgi.command.scope=aios",
        "osgi.command.function=run",
        "osgi.command.function=ps",
        "osgi.command.function=kill",
        "osgi.command.function=agents"})
public final class AgentCommands {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter PRECISE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneId.systemDefault());
    /** Characters of the input aios:ps shows. */
    static final int INPUT_PREVIEW = 40;

    @Reference
    private Kernel kernel;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile AgentRunner runner;

    public AgentCommands() {
    }

    AgentCommands(Kernel kernel, AgentRunner runner) {
        this.kernel = kernel;
        this.runner = runner;
    }

    @Descriptor("start an agent as a process and print its id (pN) at once: aios:wait pN prints its result, aios:ps"
            + " shows it, aios:kill pN stops it. Quote an input with characters the shell reads, such as * ? ; |")
    public String run(@Descriptor("agent name (aios:agents lists them)") String agent,
                      @Descriptor("the agent's input") String... input) {
        return ref(runner().start(agent, String.join(" ", input)).id());
    }

    @Descriptor("list the agent processes: id, agent, status, when submitted, how long it ran, its input")
    public String ps() {
        List<AgentProcess> all = runner().processes();
        if (all.isEmpty()) {
            return "no agent processes (aios:run AGENT INPUT starts one; aios:agents lists the agents)\n";
        }
        Instant now = Instant.now();
        TextTable t = new TextTable("ID", "AGENT", "STATUS", "SUBMITTED", "RUNTIME", "INPUT");
        for (AgentProcess p : all) {
            t.row(ref(p.id()), p.agent(), p.status(), TIME.format(p.submitted()),
                    p.started() == null ? null : KernelCommands.duration(p.runtime(now)), preview(p.input()));
        }
        return t.toString();
    }

    @Descriptor("show one agent process in full: status, times, input, and its result or error")
    public String ps(@Descriptor("process id as aios:run printed it, such as p3") String id) {
        long number = processId(id);
        AgentProcess p = runner().process(number).orElseThrow(() -> unknown(number));
        Instant now = Instant.now();
        TextTable t = new TextTable("FIELD", "VALUE").row("id", ref(p.id())).row("agent", p.agent()).row("status", p.status())
                .row("submitted", instant(p.submitted())).row("started", instant(p.started()))
                .row("ended", instant(p.ended())).row("waiting", KernelCommands.duration(p.waiting(now)))
                .row("runtime", p.started() == null ? null : KernelCommands.duration(p.runtime(now)));
        StringBuilder below = new StringBuilder();
        for (String[] field : new String[][] {{"input", p.input()}, {"result", p.result()}, {"error", p.error()}}) {
            if (field[1] != null && field[1].indexOf('\n') >= 0) { // a text of several lines goes below the table
                t.row(field[0], "(below)");
                below.append('\n').append(field[0]).append(":\n").append(field[1].stripTrailing()).append('\n');
            } else {
                t.row(field[0], field[1]);
            }
        }
        return t + below.toString();
    }

    @Descriptor("kill an agent process: its waiting and running syscalls are cancelled and it ends KILLED")
    public String kill(@Descriptor("process id as aios:run printed it, such as p3") String id) {
        long number = processId(id);
        AgentRunner r = runner();
        AgentProcess before = r.process(number).orElseThrow(() -> unknown(number));
        if (!r.kill(number)) {
            AgentProcess now = r.process(number).orElse(before);
            throw new IllegalArgumentException("agent process " + ref(number) + " (" + now.agent() + ") has already ended "
                    + now.status() + "; aios:ps " + ref(number) + " shows it");
        }
        return "killed agent process " + ref(number) + " (" + before.agent() + "); its unfinished syscalls were"
                + " cancelled\n";
    }

    @Descriptor("list the installed agents (what aios:run starts), then the agents registered with the kernel and"
            + " their syscall counts")
    public String agents() {
        StringBuilder out = new StringBuilder();
        AgentRunner r = runner;
        if (r == null) {
            out.append(noRuntime()).append('\n');
        } else {
            List<AgentDescription> installed = r.agents();
            if (installed.isEmpty()) {
                out.append("no agents installed (a bundle with an Agent component adds one: drop it into bundles/)\n");
            } else {
                TextTable t = new TextTable("AGENT", "DESCRIPTION");
                installed.forEach(a -> t.row(a.name(), a.description()));
                out.append(t);
            }
        }
        out.append('\n');
        List<AgentInfo> registered = kernel.agents();
        if (registered.isEmpty()) {
            return out.append("no agents registered with the kernel (aios:register NAME registers one; aios:run"
                    + " registers the agent it runs)\n").toString();
        }
        TextTable t = new TextTable("REGISTERED", "SINCE", "SUBMITTED", "ACTIVE", "COMPLETED", "FAILED");
        for (AgentInfo a : registered) {
            t.row(a.name(), PRECISE.format(a.registered()), a.submitted(), a.active(), a.completed(), a.failed());
        }
        return out.append(t).toString();
    }

    /**
     * Waits for an agent process to end and returns its result ({@code aios:wait pN}, which {@link WaitCommand}
     * serves).
     *
     * @throws IllegalStateException if it failed or was killed (with why), or has not ended within the timeout
     */
    String await(long id, int timeoutSeconds) throws InterruptedException {
        AgentProcess p;
        try {
            p = runner().finished(id).toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (IllegalArgumentException e) {
            throw unknown(id);
        } catch (TimeoutException e) {
            String status = runner().process(id).map(x -> x.status().toString()).orElse("unknown");
            throw new IllegalStateException("agent process " + ref(id) + " has not ended within " + timeoutSeconds
                    + " s; it is " + status + " (aios:ps " + ref(id) + " shows it, aios:kill " + ref(id) + " stops it)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for agent process " + ref(id) + " failed: " + e.getCause(), e);
        }
        return switch (p.status()) {
            case DONE -> p.result();
            case FAILED -> throw new IllegalStateException("agent process " + ref(id) + " (" + p.agent() + ") failed: "
                    + p.error());
            case KILLED -> throw new IllegalStateException("agent process " + ref(id) + " (" + p.agent() + ") was "
                    + p.error());
            case QUEUED, RUNNING -> throw new IllegalStateException("agent process " + ref(id) + " is " + p.status());
        };
    }

    /** Whether a command argument names an agent process ({@code p3}) rather than a syscall ({@code 3}). */
    static boolean isProcessId(Object argument) {
        return argument instanceof String s && s.length() > 1 && (s.charAt(0) == 'p' || s.charAt(0) == 'P');
    }

    /**
     * The number of a process id as the shell shows it: {@code p3} is 3.
     *
     * @throws IllegalArgumentException naming the input and the form expected
     */
    static long processId(String text) {
        String s = text == null ? "" : text.strip();
        if (s.length() > 1 && (s.charAt(0) == 'p' || s.charAt(0) == 'P')) {
            try {
                long n = Long.parseLong(s.substring(1));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an agent process id: give it as aios:run printed it,"
                + " such as p3 (aios:ps lists them; a plain number is a syscall id)");
    }

    static String ref(long id) {
        return "p" + id;
    }

    /** The input on one line, cut to {@link #INPUT_PREVIEW} characters. */
    static String preview(String input) {
        String line = input.strip().replaceAll("\\s+", " ");
        return line.length() <= INPUT_PREVIEW ? line : line.substring(0, INPUT_PREVIEW - 1) + "…";
    }

    private AgentRunner runner() {
        AgentRunner r = runner;
        if (r == null) {
            throw new IllegalStateException(noRuntime());
        }
        return r;
    }

    private static String noRuntime() {
        return "no agent runtime is installed: install the aios.sdk bundle (drop it into bundles/) to run agents";
    }

    private static IllegalArgumentException unknown(long id) {
        return new IllegalArgumentException("no agent process " + ref(id) + " is known: it never existed, or it ended"
                + " long enough ago to be forgotten (aios:ps lists those known)");
    }

    private static String instant(Instant i) {
        return i == null ? null : PRECISE.format(i);
    }
}
