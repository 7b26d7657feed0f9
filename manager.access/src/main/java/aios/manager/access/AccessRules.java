package aios.manager.access;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The access manager's rules: what a syscall needs, given what its agent may do. Pure and quick — a few set look-ups
 * — so that it can run on the submitting thread for every syscall.
 *
 * <ul>
 *   <li>Every syscall needs its kind: {@code syscall:llm}, {@code syscall:memory}, {@code syscall:storage},
 *       {@code syscall:tool}.</li>
 *   <li>A tool syscall needs {@code tool:NAME} for every tool it calls. (An LLM syscall that only offers tools to the
 *       model needs no tool permission: the model proposes calls; running them is a tool syscall.)</li>
 *   <li>Storage: a relative path is in the agent's own namespace; {@code ..} and NUL are refused whatever the grants.
 *       An absolute path {@code /NAME/…} of another namespace needs {@code mount:NAME}; the agent's own
 *       ({@code /AGENT/…}) needs nothing more.</li>
 *   <li>Memory: note ids are looked up in the calling agent's own notes; no permission reaches another agent's.</li>
 *   <li>With {@code approve:irreversible}, irreversible operations wait for an operator: storage delete, rollback and
 *       a write over an existing file, memory remove and update, and a call of a tool that is not reversible
 *       (its {@code ToolDescriptor.reversible()} false, or not installed).</li>
 * </ul>
 */
final class AccessRules {

    /** What a syscall gets. */
    sealed interface Verdict {
    }

    record Allow() implements Verdict {
    }

    /** Refused: {@code reason} names the missing permission and the command that grants it. */
    record Deny(String reason) implements Verdict {
    }

    /** Waits for an operator: {@code what} it would do, {@code because} why that needs approval. */
    record Approve(String what, String because) implements Verdict {
    }

    /** A write that waits for an operator only if {@code path} is an existing file ({@code parent}, {@code name}). */
    record ApproveIfOverwrite(String parent, String name, String what, String because) implements Verdict {
    }

    static final Allow ALLOW = new Allow();

    private AccessRules() {
    }

    /**
     * @param irreversibleTool whether a tool, by name, is irreversible (or not installed: then it is treated as such)
     */
    static Verdict check(EffectivePermissions e, Syscall call, Predicate<String> irreversibleTool) {
        String agent = call.agent();
        return switch (call) {
            case LlmQuery q -> need(e, agent, Resource.LLM, "submit llm syscalls (use the models)", List.of());
            case MemoryQuery q -> memory(e, agent, q);
            case StorageQuery q -> storage(e, agent, q);
            case ToolQuery q -> tools(e, agent, q, irreversibleTool);
        };
    }

    private static Verdict memory(EffectivePermissions e, String agent, MemoryQuery q) {
        Verdict v = need(e, agent, Resource.MEMORY, "submit memory syscalls (use its memory notes)", List.of());
        if (v != ALLOW || !e.approveIrreversible()) {
            return v;
        }
        return switch (q.operation()) {
            case MemoryOperation.Remove r -> irreversible(agent, "removing memory note '" + r.id() + "'");
            case MemoryOperation.Update u -> irreversible(agent, "replacing memory note '" + u.id() + "'");
            default -> ALLOW;
        };
    }

    private static Verdict storage(EffectivePermissions e, String agent, StorageQuery q) {
        String path = q.operation().path();
        String bad = badPath(agent, path);
        if (bad != null) {
            return new Deny(bad);
        }
        String namespace = namespaceOf(path);
        Verdict v;
        if (namespace != null && !namespace.equals(agent)) {
            v = need(e, agent, Resource.STORAGE, "reach storage namespace '" + namespace + "' (path '" + path + "')",
                    e.mount(namespace) ? List.of() : List.of("mount:" + namespace));
        } else {
            v = need(e, agent, Resource.STORAGE, "submit storage syscalls (use its files)", List.of());
        }
        if (v != ALLOW || !e.approveIrreversible()) {
            return v;
        }
        return switch (q.operation()) {
            case StorageOperation.Delete d -> irreversible(agent, "deleting '" + d.path() + "'");
            case StorageOperation.Rollback r -> irreversible(agent, "rolling back '" + r.path() + "'");
            case StorageOperation.Write w when w.path() == null -> ALLOW; // the storage manager refuses it
            case StorageOperation.Write w -> {
                int slash = w.path().lastIndexOf('/');
                String parent = slash < 0 ? "" : w.path().substring(0, slash);
                Approve a = irreversible(agent, "overwriting '" + w.path() + "'");
                yield new ApproveIfOverwrite(parent, w.path().substring(slash + 1), a.what(), a.because());
            }
            default -> ALLOW;
        };
    }

    private static Verdict tools(EffectivePermissions e, String agent, ToolQuery q,
                                 Predicate<String> irreversibleTool) {
        Set<String> names = q.calls().stream().map(ToolCall::name).collect(Collectors.toCollection(LinkedHashSet::new));
        List<String> missing = names.stream().filter(n -> !e.tool(n)).map(n -> "tool:" + n).toList();
        String what = names.size() == 1 ? "call tool '" + names.iterator().next() + "'"
                : "call tools " + names.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "));
        Verdict v = need(e, agent, Resource.TOOL, what, missing);
        if (v != ALLOW || !e.approveIrreversible()) {
            return v;
        }
        List<String> irreversible = names.stream().filter(irreversibleTool).toList();
        if (irreversible.isEmpty()) {
            return ALLOW;
        }
        return new Approve("calling " + (irreversible.size() == 1 ? "tool '" + irreversible.getFirst() + "'"
                : "tools " + irreversible.stream().map(n -> "'" + n + "'").collect(Collectors.joining(", "))),
                "cannot be undone (the tool is not reversible) and agent '" + agent + "' has approve:irreversible");
    }

    /** Allowed if the agent has the syscall kind and nothing in {@code more} is missing; else a deny naming all. */
    private static Verdict need(EffectivePermissions e, String agent, Resource kind, String what, List<String> more) {
        if (more.isEmpty() && e.syscall(kind)) {
            return ALLOW; // the common case, without allocating
        }
        List<String> missing = new ArrayList<>();
        if (!e.syscall(kind)) {
            missing.add("syscall:" + kind.id());
        }
        missing.addAll(more);
        if (missing.isEmpty()) {
            return ALLOW;
        }
        String list = String.join(" ", missing);
        return new Deny("agent '" + agent + "' may not " + what + ": it lacks permission"
                + (missing.size() == 1 ? " " + list + "; grant it" : "s " + String.join(", ", missing) + "; grant them")
                + " with acl:grant " + agent + " " + list);
    }

    private static Approve irreversible(String agent, String what) {
        return new Approve(what, "is irreversible and agent '" + agent + "' has approve:irreversible");
    }

    /** The namespace an absolute path names ({@code /NAME/…}), {@code null} for a relative path. */
    static String namespaceOf(String path) {
        if (path == null || !path.startsWith("/")) {
            return null;
        }
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path.substring(1) : path.substring(1, slash);
    }

    /** Why a path can never be allowed, or {@code null}: it may not leave a namespace. */
    private static String badPath(String agent, String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        if (path.indexOf('\0') >= 0) {
            return "storage path of agent '" + agent + "' contains a NUL character: remove it";
        }
        if (!path.contains("..")) {
            return null;
        }
        for (String segment : path.replace('\\', '/').split("/")) {
            if (segment.equals("..")) {
                return "storage path '" + path + "' of agent '" + agent + "' has a '..' segment, which no grant allows:"
                        + " name files from the namespace's top (relative for the agent's own, /NAME/… for another)";
            }
        }
        return null;
    }
}
