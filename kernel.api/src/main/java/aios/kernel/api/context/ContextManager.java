package aios.kernel.api.context;

import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps every agent's context — its conversation, generation snapshots and resource usage — and the limits on
 * that usage. The kernel reports each syscall to it (the first group of methods) and it refuses what would pass a
 * limit; operators and agents save and restore contexts (the second group). Snapshots outlive the process: a
 * context saved before a restart is restored after it, and its generations continue exactly where they stopped.
 *
 * <p>Thread-safe. The kernel's calls are on its hot path and return at once.
 */
@ProviderType
public interface ContextManager {

    // ---------------------------------------------------------------- called by the kernel

    /**
     * Called before the kernel accepts a syscall, which then counts as used.
     *
     * @throws SyscallRejectedException with reason {@code LIMIT_EXCEEDED} and a message naming the limit, the
     *     agent's usage and how to raise it, if the agent has reached one of its limits
     */
    void admit(Syscall call);

    /**
     * Called between the steps of a generation: how many of the {@code wanted} next tokens the agent may
     * generate now.
     *
     * @return between 1 and {@code wanted}
     * @throws SyscallException naming the limit if the agent may generate no more (tokens or wall time): the
     *     generation then fails with that message
     */
    int tokensAllowed(String agent, int wanted);

    /** Called after a step of a generation: {@code tokens} more were generated for {@code agent}. */
    void charge(String agent, int tokens);

    /** Called when a syscall has finished; {@code result} is {@code null} unless it completed. */
    void finished(Syscall call, SyscallStatus status, SyscallResult result);

    /** Called when an agent is unregistered: its live context goes; its saved snapshots stay. */
    void released(String agent);

    // ---------------------------------------------------------------- operators and agents

    /** The contexts of the agents the kernel knows, by name. */
    List<AgentContext> contexts();

    /** One agent's context, if the kernel knows the agent. */
    Optional<AgentContext> context(String agent);

    /**
     * Saves the agent's context: its conversation and each of its unfinished generations (one that is running is
     * captured at its next step). The generations go on running.
     *
     * @throws IllegalArgumentException if the agent is not registered
     * @throws SyscallException if the snapshot would pass the agent's memory limit, or cannot be written
     */
    ContextSnapshot snapshot(String agent);

    /**
     * Restores a saved context: the agent (registered if it is not) gets the snapshot's conversation, and each
     * generation it held is submitted again and continues exactly where it stopped.
     *
     * @param id the snapshot, or {@code null} for the agent's newest
     * @throws IllegalArgumentException if there is no such snapshot, or it is corrupt or of a newer format (the
     *     message says which file and what is wrong); nothing changes then
     */
    RestoredContext restore(String agent, Long id);

    /** The agent's saved snapshots, oldest first (also for agents not registered now). */
    List<ContextSnapshot> snapshots(String agent);

    /** The limits in force for an agent: its own if set, else the configured defaults. */
    ResourceLimits limits(String agent);

    /**
     * Sets an agent's own limits (kept across restarts); {@code null} returns it to the defaults.
     *
     * @throws IllegalArgumentException if the agent name is not valid
     */
    void setLimits(String agent, ResourceLimits limits);
}
