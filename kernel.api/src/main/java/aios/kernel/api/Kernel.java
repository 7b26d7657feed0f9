package aios.kernel.api;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.function.Consumer;
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

    /**
     * Follows an LLM syscall's text as it is generated. {@code listener} receives each new piece of the text, in
     * order, nothing lost or repeated, from the moment it is registered: first the text generated so far as one
     * piece, at the generation's next step, then each step's new text; the pieces joined are the text of the
     * syscall's result. Delivery ends when the syscall ends, after its last piece and before its result completes;
     * closing the returned handle stops it at once (no call starts after {@code close} returns).
     *
     * <p>The listener is called on a kernel worker thread between steps of the generation, never concurrently for
     * one listener: it must return quickly and not block, or the generation waits. If it throws, it is called no more
     * (and the syscall goes on). A piece never ends inside a character: text a step leaves undecodable so far (part of
     * a multi-byte character) comes with the next piece. A backend that does not generate in steps
     * ({@link aios.kernel.api.llm.LlmBackend#start} returns {@code null}) delivers nothing until the end, then the
     * whole text as one piece. A held or waiting syscall delivers once it runs; a syscall that has already ended
     * delivers nothing (its result holds the text); one that fails or is cancelled delivers no more.
     *
     * <p>Nothing is built for a syscall that nobody follows. A resumed generation ({@link #resume}) is a new syscall:
     * follow its new id; its first piece is all the text it has, from before the capture too.
     *
     * @param listener called with each piece, never {@code null} or empty
     * @return closing it stops delivery; closing it again does nothing
     * @throws IllegalArgumentException if the kernel does not know syscall {@code syscallId} (never submitted, or
     *     finished so long ago that it was forgotten) or it is not an LLM syscall; the message names the id
     * @since 1.3
     */
    AutoCloseable followText(long syscallId, Consumer<String> listener);

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
