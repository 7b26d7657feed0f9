package aios.sdk;

import aios.kernel.api.SyscallException;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One agent process's way to the kernel. Its modules — {@link #planning()}, {@link #action()}, {@link #memory()},
 * {@link #storage()} — turn readable calls into syscalls; each call is one syscall, submitted as {@link #agent()}, and
 * blocks until it has run.
 *
 * <p>Thread-safe: an agent may make calls from several threads at once; killing the process cancels all of them.
 */
@ProviderType
public interface AgentSession {

    /** The kernel agent this process acts as: the {@link Agent#name()} it runs. */
    String agent();

    /** The id of this process ({@code aios:ps} shows it as {@code p} and the id). */
    long processId();

    /**
     * Submits a syscall and waits for its result: the way for what the modules do not cover.
     *
     * @param syscall a syscall whose {@link Syscall#agent()} is {@link #agent()}
     * @return its result
     * @throws IllegalArgumentException if the syscall is for another agent
     * @throws aios.kernel.api.SyscallRejectedException if the kernel refused it (nothing ran)
     * @throws AgentKilledException if the process was killed (the syscall was cancelled, or never submitted)
     * @throws SyscallException if it failed or was cancelled; the message says why
     */
    SyscallResult call(Syscall syscall);

    /** The model: chats and tool-call plans. */
    default Planning planning() {
        return new Planning(this);
    }

    /** Tools: single calls, and the tool calls a model planned. */
    default Action action() {
        return new Action(this);
    }

    /** The agent's memory notes. */
    default Memory memory() {
        return new Memory(this);
    }

    /** The agent's files. */
    default Storage storage() {
        return new Storage(this);
    }
}
