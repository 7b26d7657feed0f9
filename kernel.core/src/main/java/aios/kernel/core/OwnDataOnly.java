package aios.kernel.core;

import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.ToolQuery;

/**
 * The kernel's access rule while no {@link AccessPolicy} service is installed: an agent may use the models and
 * its own memory and files, and nothing else — no tools, and no storage path that leaves its namespace.
 */
final class OwnDataOnly implements AccessPolicy {

    @Override
    public AccessDecision check(Syscall call) {
        return switch (call) {
            case LlmQuery q -> AccessDecision.allow();
            case MemoryQuery q -> AccessDecision.allow(); // note ids are looked up within the caller's own memory
            case StorageQuery q -> checkPath(q.agent(), q.operation().path());
            case ToolQuery q -> AccessDecision.deny("agent '" + q.agent() + "' may not call tool '"
                    + q.calls().get(0).name() + "': no access policy is installed, and without one agents reach only"
                    + " their own data; install an access manager and grant the tool");
        };
    }

    /** A path stays in the agent's namespace when it is relative and has no {@code ..} segment. */
    static AccessDecision checkPath(String agent, String path) {
        if (path == null || path.isEmpty()) {
            return AccessDecision.allow();
        }
        if (path.indexOf('\0') >= 0) {
            return AccessDecision.deny("storage path of agent '" + agent + "' contains a NUL byte: remove it");
        }
        String p = path.replace('\\', '/');
        if (p.startsWith("/") || p.matches("^[A-Za-z]:.*")) {
            return AccessDecision.deny("storage path '" + path + "' of agent '" + agent
                    + "' is absolute: give a path relative to the agent's own namespace");
        }
        for (String segment : p.split("/")) {
            if (segment.equals("..")) {
                return AccessDecision.deny("storage path '" + path + "' of agent '" + agent
                        + "' leaves the agent's namespace ('..'): give a path inside it");
            }
        }
        return AccessDecision.allow();
    }
}
