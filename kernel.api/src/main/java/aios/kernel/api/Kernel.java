package aios.kernel.api;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel: agents register, then submit syscalls, which are checked, queued per resource, ordered by that
 * resource's {@link aios.kernel.api.scheduling.SchedulingPolicy}, and run on the resource's workers.
 *
 * <p>Thread-safe. {@link #submit} never blocks: it accepts the syscall or refuses it at once.
 */
@ProviderType
public interface Kernel {

    /**
     * Registers an agent; registering a name again returns the existing agent.
     *
     * @param name 1–64 characters from {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit
     * @throws IllegalArgumentException if the name is not of that form
     */
    AgentInfo register(String name);

    /**
     * Unregisters an agent and cancels its waiting syscalls; running ones finish.
     *
     * @return whether the agent was registered
     */
    boolean unregister(String name);

    /** The registered agents, by name. */
    List<AgentInfo> agents();

    /**
     * Accepts a syscall: checks access, builds a task and offers it to its resource's queue. When the access policy
     * holds it for approval, the handle is returned at once with status {@link SyscallStatus#HELD} and the syscall is
     * queued only once allowed; a denial then fails the result with a {@link SyscallRejectedException} of reason
     * {@code ACCESS_DENIED}, and {@link #cancel} withdraws it.
     *
     * @return the handle, whose result completes when the syscall has run
     * @throws SyscallRejectedException if the agent is unknown, access is denied, the queue is full, no service
     *     can run it, or the kernel is stopping; nothing is queued then
     */
    SyscallHandle submit(Syscall call);

    /**
     * Cancels a syscall that has not finished. A waiting one is removed from its queue; a running one is
     * interrupted; a held one is withdrawn from its approval.
     *
     * @return whether it was cancelled (false if unknown or already finished)
     */
    boolean cancel(long id);

    /** A syscall's status, timings and error, if the kernel still knows it. */
    Optional<SyscallInfo> status(long id);

    /**
     * Captures the agent's unfinished LLM syscalls: a waiting generation at once, a running one at its next step
     * (it goes on running). For the context manager's snapshots.
     *
     * @return in the order they were submitted
     * @throws IllegalArgumentException if the agent is not registered
     * @since 1.1
     */
    List<GenerationCheckpoint> checkpoint(String agent);

    /**
     * Submits an LLM syscall that continues a captured generation exactly where it stopped; with empty
     * {@code state} it is {@link #submit} of the query.
     *
     * @throws SyscallRejectedException as {@link #submit}
     * @throws IllegalArgumentException if no backend can resume the state (the message says why); nothing is queued
     * @since 1.1
     */
    SyscallHandle resume(LlmQuery query, byte[] state);

    /** One entry per resource. */
    List<QueueInfo> queues();

    /** The scheduling policies installed now: name → one-line description. */
    Map<String, String> policies();

    /**
     * Makes {@code policy} order {@code resource}'s queue from now on, with the given parameters (they replace the
     * queue's previous ones): dispatch pauses, every waiting task moves to the new policy in arrival order,
     * dispatch resumes; no task is lost or run twice. The choice is kept in the kernel's configuration.
     *
     * @param parameters the policy's parameters, such as {@code slice.tokens=4}; empty for its defaults
     * @throws IllegalArgumentException if no policy of that name is installed (the message lists those that are),
     *     or the policy refuses the parameters (the message says which and why); nothing changes then
     */
    QueueInfo switchPolicy(Resource resource, String policy, Map<String, String> parameters);

    /** {@link #switchPolicy(Resource, String, Map)} with the policy's default parameters. */
    default QueueInfo switchPolicy(Resource resource, String policy) {
        return switchPolicy(resource, policy, Map.of());
    }
}
