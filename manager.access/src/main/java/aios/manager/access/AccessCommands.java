package aios.manager.access;

import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import aios.text.TextTable;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@code acl:} commands: grants and groups, approvals, API tokens. Every change is saved before it is reported;
 * bad input changes nothing and says what to type instead.
 */
@Component(service = AccessCommands.class, property = {
        "osgi.command.scope=acl",
        "osgi.command.function=grant",
        "osgi.command.function=revoke",
        "osgi.command.function=show",
        "osgi.command.function=ls",
        "osgi.command.function=groups",
        "osgi.command.function=pending",
        "osgi.command.function=approve",
        "osgi.command.function=deny",
        "osgi.command.function=token",
        "osgi.command.function=reload"})
public final class AccessCommands {

    @Reference
    private AccessManager access;

    /** For DS. */
    public AccessCommands() {
    }

    AccessCommands(AccessManager access) {
        this.access = access;
    }

    @Descriptor("grant permissions or group memberships to an agent (acl:grant alice tool:calc @ops), or permissions"
            + " to a group, creating it (acl:grant @ops \"tool:*\"; quote a *). Permissions:"
            + " syscall:llm|memory|storage|tool|*, tool:NAME|*, mount:NAME|*, approve:irreversible")
    public String grant(@Descriptor("agent, or @GROUP") String subject,
                        @Descriptor("permissions and @GROUPs") String... items) {
        AccessList list = access.grant(subject, Arrays.asList(items));
        return subject.startsWith("@") ? groupLine(list, AccessList.groupName(subject)) : summary(list, subject);
    }

    @Descriptor("take permissions or group memberships from an agent (acl:revoke alice @default), or permissions from"
            + " a group (acl:revoke @ops tool:rm)")
    public String revoke(@Descriptor("agent, or @GROUP") String subject,
                         @Descriptor("permissions and @GROUPs") String... items) {
        AccessList list = access.revoke(subject, Arrays.asList(items));
        if (subject.startsWith("@")) {
            String name = AccessList.groupName(subject);
            return list.groups().stream().anyMatch(g -> g.name().equals(name)) ? groupLine(list, name)
                    : "group " + name + " removed: it has no permission and no member left\n";
        }
        return summary(list, subject);
    }

    @Descriptor("what an agent may do, and where each permission comes from")
    public String show(@Descriptor("agent") String agent) {
        AccessList list = access.accessList();
        access.requireKnown(AccessList.agentName(agent));
        AccessList.Grants g = list.grantsOf(agent);
        EffectivePermissions e = list.effective(agent);
        StringBuilder out = new StringBuilder("agent ").append(agent).append(": ")
                .append(access.registered(agent) ? "registered" : "not registered now").append("; ")
                .append(list.hasEntry(agent) ? "groups " + (g.groups().isEmpty() ? "none" : String.join(", ",
                        g.groups())) : "no grants of its own, so in group " + AccessList.DEFAULT_GROUP).append('\n');
        Map<String, List<String>> sources = list.sources(agent);
        if (sources.isEmpty()) {
            out.append("no permission: every syscall of this agent is refused\n");
        } else {
            TextTable t = new TextTable("PERMISSION", "FROM");
            sources.forEach((p, from) -> t.row(p, String.join(", ", from)));
            out.append(t);
        }
        out.append("irreversible operations: ").append(e.approveIrreversible()
                ? "wait for an operator (approve:irreversible)" : "run without approval").append('\n');
        List<String> tokens = tokensOf(agent);
        out.append("API tokens: ").append(tokens.isEmpty() ? "none" : String.join(", ", tokens)).append('\n');
        return out.toString();
    }

    @Descriptor("every agent with grants of its own, and the registered agents that have the default")
    public String ls() {
        AccessList list = access.accessList();
        TextTable t = new TextTable("AGENT", "GROUPS", "OWN GRANTS");
        for (AccessList.Grants g : list.agents()) {
            t.row(g.agent(), g.groups().isEmpty() ? "none" : String.join(", ", g.groups()),
                    g.permissions().isEmpty() ? "none" : AccessList.texts(g.permissions()));
        }
        return t + "agents not listed are in group " + AccessList.DEFAULT_GROUP + " only\n";
    }

    @Descriptor("the privilege groups, their permissions and members")
    public String groups() {
        AccessList list = access.accessList();
        TextTable t = new TextTable("GROUP", "PERMISSIONS", "MEMBERS");
        for (AccessList.Group g : list.groups()) {
            List<String> members = list.members(g.name());
            String who = (g.name().equals(AccessList.DEFAULT_GROUP) ? "agents without grants of their own"
                    + (members.isEmpty() ? "" : ", ") : "") + String.join(", ", members);
            t.row(g.name(), AccessList.texts(g.permissions()), who.isEmpty() ? "none" : who);
        }
        return t.toString();
    }

    @Descriptor("the syscalls waiting for an operator's approval, oldest first")
    public String pending() {
        List<PendingApprovals.Approval> all = access.approvals().list();
        if (all.isEmpty()) {
            return "no syscall waits for approval\n";
        }
        Instant now = Instant.now();
        TextTable t = new TextTable("ID", "AGENT", "KIND", "WAITING", "DENIED IN", "WHAT");
        for (PendingApprovals.Approval a : all) {
            t.row(a.id(), a.agent(), a.kind(), Durations.text(Duration.between(a.requested(), now)),
                    Durations.text(Duration.between(now, a.expires())), a.what());
        }
        return t.toString();
    }

    @Descriptor("approve a waiting syscall: it goes to its queue and runs")
    public String approve(@Descriptor("approval id, as acl:pending lists it") String id) {
        PendingApprovals.Approval a = access.approve(id);
        return "approved " + a.id() + ": " + a.what() + " (" + a.kind() + " of agent " + a.agent() + ")\n";
    }

    @Descriptor("deny a waiting syscall: it fails with access denied and the reason")
    public String deny(@Descriptor("approval id, as acl:pending lists it") String id,
                       @Descriptor("why, for the agent (optional)") String... why) {
        PendingApprovals.Approval a = access.deny(id, String.join(" ", why));
        return "denied " + a.id() + ": " + a.what() + " (" + a.kind() + " of agent " + a.agent() + ")\n";
    }

    @Descriptor("API tokens: 'create AGENT' or 'create --operator' (the token is shown once), 'ls', 'revoke ID'")
    public String token(@Descriptor("create AGENT | create --operator | ls | revoke ID") String... args) {
        String usage = "use acl:token create AGENT, acl:token create --operator, acl:token ls or acl:token revoke ID";
        if (args.length == 0) {
            throw new IllegalArgumentException("acl:token needs what to do: " + usage);
        }
        switch (args[0]) {
            case "create" -> {
                if (args.length != 2) {
                    throw new IllegalArgumentException("acl:token create takes an agent name or --operator: " + usage);
                }
                Principal p = args[1].equals("--operator") ? Principal.ofOperator()
                        : Principal.ofAgent(AccessList.agentName(args[1]));
                Tokens.Issued issued = access.issue(p);
                return "token " + issued.info().id() + " for " + p + ". It is shown this once; only its SHA-256 hash"
                        + " is kept:\n" + issued.token() + "\n";
            }
            case "ls" -> {
                List<Tokens.Info> all = access.list();
                if (all.isEmpty()) {
                    return "no API token (create one with acl:token create AGENT or acl:token create --operator)\n";
                }
                TextTable t = new TextTable("ID", "FOR", "CREATED");
                all.forEach(i -> t.row(i.id(), i.principal(), i.created()));
                return t.toString();
            }
            case "revoke" -> {
                if (args.length != 2) {
                    throw new IllegalArgumentException("acl:token revoke takes a token id (acl:token ls lists them)");
                }
                if (!access.revoke(args[1])) {
                    throw new IllegalArgumentException("there is no token '" + args[1] + "': acl:token ls lists the"
                            + " tokens");
                }
                return "token " + args[1] + " revoked: it authenticates nobody from now on\n";
            }
            default -> throw new IllegalArgumentException("acl:token does not know '" + args[0] + "': " + usage);
        }
    }

    @Descriptor("read the access list and the token file again (after they were corrected or restored by hand)")
    public String reload() {
        List<String> problems = access.reload();
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
        return "read the access list and the API tokens from " + access.directory() + "\n";
    }

    private List<String> tokensOf(String agent) {
        try {
            return access.list().stream().filter(i -> agent.equals(i.principal().agent())).map(Tokens.Info::id)
                    .toList();
        } catch (IllegalStateException e) {
            return List.of("unavailable");
        }
    }

    private static String groupLine(AccessList list, String name) {
        AccessList.Group g = list.groups().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        return "group " + name + ": " + AccessList.texts(g.permissions()) + "\n";
    }

    private static String summary(AccessList list, String agent) {
        AccessList.Grants g = list.grantsOf(agent);
        Set<String> may = new TreeSet<>(list.effective(agent).all());
        return "agent " + agent + ": groups " + (g.groups().isEmpty() ? "none" : String.join(", ", g.groups()))
                + "; own grants " + (g.permissions().isEmpty() ? "none" : AccessList.texts(g.permissions()))
                + "; may now: " + (may.isEmpty() ? "nothing" : String.join(" ", may)) + "\n";
    }
}
