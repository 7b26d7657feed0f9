package aios.manager.access;

import aios.kernel.api.syscall.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The access list: privilege groups (named sets of permissions) and each agent's grants (groups it is a member of,
 * permissions of its own). An agent without grants of its own is a member of the group {@value #DEFAULT_GROUP} only.
 *
 * <p>Immutable: {@link #grant} and {@link #revoke} return a new list, so a check always reads one consistent list
 * without locking. Effective permissions are computed once per agent and list.
 */
final class AccessList {

    static final String DEFAULT_GROUP = "default";

    /** The group new agents are in, as first created: their own data — models, memory, storage — and no tools. */
    static final List<Permission> DEFAULT_PERMISSIONS = List.of(new Permission.Syscalls(Resource.LLM),
            new Permission.Syscalls(Resource.MEMORY), new Permission.Syscalls(Resource.STORAGE));

    /** A privilege group. */
    record Group(String name, Set<Permission> permissions) {
        Group {
            permissions = sorted(permissions);
        }
    }

    /** An agent's own entry: its groups and its own permissions. */
    record Grants(String agent, Set<String> groups, Set<Permission> permissions) {
        Grants {
            groups = java.util.Collections.unmodifiableSet(new TreeSet<>(groups));
            permissions = sorted(permissions);
        }
    }

    private final Map<String, Group> groups;
    private final Map<String, Grants> agents;
    private final ConcurrentHashMap<String, EffectivePermissions> effective = new ConcurrentHashMap<>();
    private final EffectivePermissions defaults;

    AccessList(Collection<Group> groups, Collection<Grants> agents) {
        Map<String, Group> g = new TreeMap<>();
        groups.forEach(x -> g.put(x.name(), x));
        Map<String, Grants> a = new TreeMap<>();
        agents.forEach(x -> a.put(x.agent(), x));
        for (Grants x : a.values()) {
            for (String member : x.groups()) {
                if (!g.containsKey(member)) {
                    throw new IllegalArgumentException("agent '" + x.agent() + "' is in group '" + member
                            + "', which is not defined");
                }
            }
        }
        this.groups = java.util.Collections.unmodifiableMap(g);
        this.agents = java.util.Collections.unmodifiableMap(a);
        this.defaults = compute(implicit("-"));
    }

    /** The list of a first start: the group {@value #DEFAULT_GROUP} and no agent entries. */
    static AccessList initial() {
        return new AccessList(List.of(new Group(DEFAULT_GROUP, Set.copyOf(DEFAULT_PERMISSIONS))), List.of());
    }

    Collection<Group> groups() {
        return groups.values();
    }

    Collection<Grants> agents() {
        return agents.values();
    }

    boolean hasEntry(String agent) {
        return agents.containsKey(agent);
    }

    /** The agent's entry, or the implicit one of an agent without grants of its own. */
    Grants grantsOf(String agent) {
        Grants g = agents.get(agent);
        return g != null ? g : implicit(agent);
    }

    /** Agents with an entry that are members of the group. */
    List<String> members(String group) {
        return agents.values().stream().filter(a -> a.groups().contains(group)).map(Grants::agent).toList();
    }

    /** Everything the agent may do. Fast after the first call per agent: the check's only look-up. */
    EffectivePermissions effective(String agent) {
        Grants g = agents.get(agent);
        return g == null ? defaults : effective.computeIfAbsent(agent, a -> compute(g));
    }

    /** Where each of the agent's permissions comes from: "own" or "@group", by permission text. */
    Map<String, List<String>> sources(String agent) {
        Grants g = grantsOf(agent);
        Map<String, List<String>> out = new TreeMap<>();
        g.permissions().forEach(p -> out.computeIfAbsent(p.text(), k -> new ArrayList<>()).add("own"));
        for (String name : g.groups()) {
            Group group = groups.get(name);
            if (group != null) {
                group.permissions().forEach(p -> out.computeIfAbsent(p.text(), k -> new ArrayList<>()).add("@" + name));
            }
        }
        return out;
    }

    private Grants implicit(String agent) {
        return new Grants(agent, groups.containsKey(DEFAULT_GROUP) ? Set.of(DEFAULT_GROUP) : Set.of(), Set.of());
    }

    private EffectivePermissions compute(Grants g) {
        List<Permission> all = new ArrayList<>(g.permissions());
        for (String name : g.groups()) {
            Group group = groups.get(name);
            if (group != null) {
                all.addAll(group.permissions());
            }
        }
        return EffectivePermissions.of(all);
    }

    // ---------------------------------------------------------------- changes

    /**
     * Grants {@code items} to {@code subject}: to an agent, permissions and {@code @GROUP} memberships (an agent
     * getting its first own grant keeps its default group); to {@code @GROUP}, permissions (the group is created).
     *
     * @throws IllegalArgumentException naming the bad input and what to do; nothing changes then
     */
    AccessList grant(String subject, List<String> items) {
        requireItems("grant", subject, items);
        if (subject.startsWith("@")) {
            String name = groupName(subject);
            Set<Permission> add = permissionsOnly(subject, items);
            Group old = groups.get(name);
            Set<Permission> next = new LinkedHashSet<>(old == null ? Set.of() : old.permissions());
            next.addAll(add);
            return withGroup(new Group(name, next));
        }
        String agent = agentName(subject);
        Grants old = grantsOf(agent);
        Set<String> memberships = new LinkedHashSet<>(old.groups());
        Set<Permission> own = new LinkedHashSet<>(old.permissions());
        for (String item : items) {
            if (item.startsWith("@")) {
                String name = groupName(item);
                if (!groups.containsKey(name)) {
                    throw new IllegalArgumentException("there is no group '" + name + "': create it by granting it a"
                            + " permission (acl:grant @" + name + " PERMISSION), or use one of " + groupList());
                }
                memberships.add(name);
            } else {
                own.add(Permission.parse(item));
            }
        }
        return withAgent(new Grants(agent, memberships, own));
    }

    /**
     * Takes {@code items} from {@code subject}: from an agent, its own permissions and memberships; from {@code @GROUP},
     * permissions (a group left with no permission and no member is removed, except {@value #DEFAULT_GROUP}).
     *
     * @throws IllegalArgumentException if the subject does not hold an item itself (the message says where it comes
     *     from and how to take it away); nothing changes then
     */
    AccessList revoke(String subject, List<String> items) {
        requireItems("revoke", subject, items);
        if (subject.startsWith("@")) {
            String name = groupName(subject);
            Group old = groups.get(name);
            if (old == null) {
                throw new IllegalArgumentException("there is no group '" + name + "'; the groups are " + groupList());
            }
            Set<Permission> next = new LinkedHashSet<>(old.permissions());
            for (Permission p : permissionsOnly(subject, items)) {
                if (!next.remove(p)) {
                    throw new IllegalArgumentException("group '" + name + "' does not have " + p.text() + " (it has "
                            + texts(old.permissions()) + ")");
                }
            }
            if (next.isEmpty() && members(name).isEmpty() && !name.equals(DEFAULT_GROUP)) {
                Map<String, Group> g = new TreeMap<>(groups);
                g.remove(name);
                return new AccessList(g.values(), agents.values());
            }
            return withGroup(new Group(name, next));
        }
        String agent = agentName(subject);
        Grants old = grantsOf(agent);
        Set<String> memberships = new LinkedHashSet<>(old.groups());
        Set<Permission> own = new LinkedHashSet<>(old.permissions());
        for (String item : items) {
            if (item.startsWith("@")) {
                String name = groupName(item);
                if (!memberships.remove(name)) {
                    throw new IllegalArgumentException("agent '" + agent + "' is not in group '" + name + "' (its groups: "
                            + (old.groups().isEmpty() ? "none" : String.join(", ", old.groups())) + ")");
                }
            } else {
                Permission p = Permission.parse(item);
                if (!own.remove(p)) {
                    Map<String, List<String>> sources = sources(agent);
                    List<String> via = sources.getOrDefault(p.text(), List.of());
                    if (via.isEmpty()) {
                        String wildcard = wildcardOf(p);
                        List<String> wide = wildcard == null ? List.of() : sources.getOrDefault(wildcard, List.of());
                        throw new IllegalArgumentException("agent '" + agent + "' has no grant " + p.text() + " to revoke"
                                + (wide.isEmpty() ? "" : "; it has " + wildcard + " (from " + String.join(", ", wide)
                                        + "), which covers it: revoke that, and grant what should stay")
                                + "; acl:show " + agent + " lists what it has");
                    }
                    String group = via.getFirst().substring(1);
                    throw new IllegalArgumentException("agent '" + agent + "' has " + p.text() + " through group "
                            + String.join(", ", via) + ", not as a grant of its own: revoke it from the group (acl:revoke @"
                            + group + " " + p.text() + ") or take the agent out of it (acl:revoke " + agent + " @" + group
                            + ")");
                }
            }
        }
        return withAgent(new Grants(agent, memberships, own));
    }

    /** The {@code *} form that covers {@code p}, {@code null} if there is none or {@code p} is one. */
    private static String wildcardOf(Permission p) {
        return switch (p) {
            case Permission.Syscalls s -> s.resource() == null ? null : "syscall:*";
            case Permission.Tool t -> t.name().equals("*") ? null : "tool:*";
            case Permission.Mount m -> m.namespace().equals("*") ? null : "mount:*";
            case Permission.ApproveIrreversible a -> null;
        };
    }

    private AccessList withGroup(Group group) {
        Map<String, Group> g = new TreeMap<>(groups);
        g.put(group.name(), group);
        return new AccessList(g.values(), agents.values());
    }

    private AccessList withAgent(Grants grants) {
        Map<String, Grants> a = new TreeMap<>(agents);
        a.put(grants.agent(), grants);
        return new AccessList(groups.values(), a.values());
    }

    private static void requireItems(String verb, String subject, List<String> items) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("acl:" + verb + " needs an agent or @GROUP first, then what to " + verb);
        }
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("acl:" + verb + " " + subject + " needs at least one permission or"
                    + " @GROUP; use " + Permission.FORMS);
        }
    }

    private static Set<Permission> permissionsOnly(String subject, List<String> items) {
        Set<Permission> out = new LinkedHashSet<>();
        for (String item : items) {
            if (item.startsWith("@")) {
                throw new IllegalArgumentException("group " + subject + " cannot contain group " + item
                        + ": a group holds permissions; make agents members of both instead");
            }
            out.add(Permission.parse(item));
        }
        return out;
    }

    static String groupName(String item) {
        String name = item.substring(1);
        if (!Permission.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + item + "' is not a group name: use @ and 1–64 characters from"
                    + " A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        return name;
    }

    static String agentName(String name) {
        if (name == null || !Permission.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'" + name + "' is not an agent name (1–64 characters from A-Z a-z 0-9"
                    + " . _ -, starting with a letter or digit) nor a @GROUP");
        }
        return name;
    }

    private String groupList() {
        return groups.keySet().stream().map(n -> "@" + n).collect(Collectors.joining(", "));
    }

    static String texts(Collection<Permission> ps) {
        return ps.isEmpty() ? "no permission" : ps.stream().map(Permission::text).collect(Collectors.joining(" "));
    }

    private static Set<Permission> sorted(Set<Permission> ps) {
        Set<Permission> out = ps.stream().sorted(Comparator.comparing(Permission::text))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        return java.util.Collections.unmodifiableSet(out);
    }
}
