package aios.shell;

import aios.kernel.api.context.AgentContext;
import aios.kernel.api.context.ContextManager;
import aios.kernel.api.context.ContextSnapshot;
import aios.kernel.api.context.ResourceLimits;
import aios.kernel.api.context.ResourceUsage;
import aios.kernel.api.context.RestoredContext;
import aios.kernel.api.syscall.Message;
import aios.text.TextTable;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code ctx:} Gogo commands: agents' contexts, their usage and limits, snapshots and restores. */
@Component(service = ContextCommands.class, property = {
        "osgi.command.scope=ctx",
        "osgi.command.function=ls",
        "osgi.command.function=show",
        "osgi.command.function=snapshot",
        "osgi.command.function=restore",
        "osgi.command.function=limit"})
public final class ContextCommands {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final String ABSENT = "-1";

    @Reference
    private ContextManager contexts;
    @Reference
    private SyscallCommands syscalls;

    @Descriptor("list the agents' contexts: usage against limits, conversation, snapshots")
    public String ls() {
        List<AgentContext> all = contexts.contexts();
        if (all.isEmpty()) {
            return "no agents registered (aios:register NAME registers one)\n";
        }
        TextTable t = new TextTable("AGENT", "SYSCALLS", "TOKENS", "WALL", "MEMORY", "MESSAGES", "SNAPSHOTS");
        for (AgentContext c : all) {
            ResourceUsage u = c.usage();
            ResourceLimits l = c.limits();
            t.row(c.agent(), of(u.syscalls(), l.syscalls()), of(u.generatedTokens(), l.tokens()),
                    KernelCommands.duration(u.wallTime()) + (l.wallTime().isZero() ? ""
                            : " / " + KernelCommands.duration(l.wallTime())),
                    of(u.memoryBytes(), l.memoryBytes()), c.conversation().size(), c.snapshots().size());
        }
        return t.toString();
    }

    @Descriptor("show an agent's context: usage and limits, its conversation, its snapshots")
    public String show(@Descriptor("agent name") String agent) {
        AgentContext c = contexts.context(agent).orElseThrow(() -> new IllegalArgumentException(
                "no agent named '" + agent + "' is registered (aios:agents lists them)"));
        ResourceUsage u = c.usage();
        ResourceLimits l = c.limits();
        StringBuilder out = new StringBuilder();
        out.append(new TextTable("AGENT " + agent, "USED", "LIMIT")
                .row("syscalls", u.syscalls(), limit(l.syscalls()))
                .row("tokens generated", u.generatedTokens(), limit(l.tokens()))
                .row("prompt tokens", u.promptTokens(), "")
                .row("wall time", KernelCommands.duration(u.wallTime()),
                        l.wallTime().isZero() ? "none" : KernelCommands.duration(l.wallTime()))
                .row("memory bytes", u.memoryBytes(), limit(l.memoryBytes())));
        out.append("\nconversation (").append(c.conversation().size()).append(" messages)\n");
        for (Message m : c.conversation()) {
            out.append("  ").append(m.role().name().toLowerCase()).append(": ").append(m.content().strip()).append('\n');
        }
        out.append('\n').append(listing(agent, c.snapshots()));
        return out.toString();
    }

    @Descriptor("save an agent's context (conversation and unfinished generations) to disk; generations go on")
    public String snapshot(@Descriptor("agent name") String agent) {
        ContextSnapshot s = contexts.snapshot(agent);
        return "saved snapshot " + s.id() + " of agent " + agent + ": " + s.bytes() + " bytes, " + s.messages()
                + " messages, " + s.generations() + " unfinished generations\n";
    }

    @Descriptor("restore a saved context: its conversation comes back and its generations continue where they stopped")
    public String restore(@Descriptor("agent name") String agent,
                          @Descriptor("snapshot number (ctx:show lists them); the newest when absent") String... id) {
        if (id.length > 1) {
            throw new IllegalArgumentException("ctx:restore takes an agent and at most one snapshot number");
        }
        Long number = null;
        if (id.length == 1) {
            try {
                number = Long.parseLong(id[0]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("snapshot number '" + id[0] + "' is not a number (ctx:show "
                        + agent + " lists the snapshots)");
            }
        }
        RestoredContext r = contexts.restore(agent, number);
        StringBuilder out = new StringBuilder("restored snapshot " + r.snapshot().id() + " of agent " + agent + " ("
                + r.snapshot().messages() + " messages)\n");
        r.resumed().forEach((was, now) -> {
            syscalls.follow(now); // so that aios:wait prints its result
            out.append("syscall ").append(was).append(" continues as ").append(now.id()).append('\n');
        });
        return out.toString();
    }

    @Descriptor("show or set an agent's resource limits (0: none); kept across restarts")
    public String limit(
            @Descriptor("tokens its generations may produce") @Parameter(names = "--tokens", absentValue = ABSENT) long tokens,
            @Descriptor("syscalls it may submit") @Parameter(names = "--syscalls", absentValue = ABSENT) long syscalls,
            @Descriptor("seconds after registration it may work") @Parameter(names = "--wall", absentValue = ABSENT) long wall,
            @Descriptor("bytes its context may hold") @Parameter(names = "--memory", absentValue = ABSENT) long memory,
            @Descriptor("back to the configured defaults") @Parameter(names = "--reset", presentValue = "true",
                    absentValue = "false") boolean reset,
            @Descriptor("agent name") String agent) {
        if (reset) {
            contexts.setLimits(agent, null);
        } else if (tokens != -1 || syscalls != -1 || wall != -1 || memory != -1) {
            ResourceLimits l = contexts.limits(agent);
            l = tokens == -1 ? l : l.withTokens(tokens);
            l = syscalls == -1 ? l : l.withSyscalls(syscalls);
            l = wall == -1 ? l : l.withWallTime(Duration.ofSeconds(wall));
            l = memory == -1 ? l : l.withMemoryBytes(memory);
            contexts.setLimits(agent, l);
        }
        ResourceLimits l = contexts.limits(agent);
        return "limits of agent " + agent + ": tokens " + limit(l.tokens()) + ", syscalls " + limit(l.syscalls())
                + ", wall time " + (l.wallTime().isZero() ? "none" : l.wallTime().toSeconds() + " s") + ", memory bytes "
                + limit(l.memoryBytes()) + "\n";
    }

    private static String listing(String agent, List<ContextSnapshot> snapshots) {
        if (snapshots.isEmpty()) {
            return "no snapshots (ctx:snapshot " + agent + " saves one)\n";
        }
        TextTable t = new TextTable("SNAPSHOT", "TAKEN", "BYTES", "MESSAGES", "GENERATIONS");
        for (ContextSnapshot s : snapshots) {
            t.row(s.id(), TIME.format(s.created()), s.bytes(), s.messages(), s.generations());
        }
        return t.toString();
    }

    private static String of(long used, long limit) {
        return limit == 0 ? Long.toString(used) : used + " / " + limit;
    }

    private static String limit(long l) {
        return l == 0 ? "none" : Long.toString(l);
    }
}
