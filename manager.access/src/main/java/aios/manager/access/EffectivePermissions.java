package aios.manager.access;

import aios.kernel.api.syscall.Resource;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an agent may do, all its grants and groups taken together: the set a check looks things up in.
 *
 * @param all every permission, by text
 * @param syscalls the syscall kinds it may submit
 * @param tools the tools it may call ({@code *}: all)
 * @param mounts the storage namespaces besides its own it may reach ({@code *}: all)
 * @param approveIrreversible whether its irreversible operations wait for an operator
 */
record EffectivePermissions(Set<String> all, Set<Resource> syscalls, Set<String> tools, Set<String> mounts,
                            boolean approveIrreversible) {

    static EffectivePermissions of(Collection<Permission> permissions) {
        Set<String> all = new TreeSet<>();
        Set<Resource> syscalls = EnumSet.noneOf(Resource.class);
        Set<String> tools = new TreeSet<>();
        Set<String> mounts = new TreeSet<>();
        boolean approve = false;
        for (Permission p : permissions) {
            all.add(p.text());
            switch (p) {
                case Permission.Syscalls s -> {
                    if (s.resource() == null) {
                        syscalls.addAll(EnumSet.allOf(Resource.class));
                    } else {
                        syscalls.add(s.resource());
                    }
                }
                case Permission.Tool t -> tools.add(t.name());
                case Permission.Mount m -> mounts.add(m.namespace());
                case Permission.ApproveIrreversible a -> approve = true;
            }
        }
        return new EffectivePermissions(Set.copyOf(all), Set.copyOf(syscalls), Set.copyOf(tools), Set.copyOf(mounts),
                approve);
    }

    boolean syscall(Resource r) {
        return syscalls.contains(r);
    }

    boolean tool(String name) {
        return tools.contains("*") || tools.contains(name);
    }

    boolean mount(String namespace) {
        return mounts.contains("*") || mounts.contains(namespace);
    }
}
