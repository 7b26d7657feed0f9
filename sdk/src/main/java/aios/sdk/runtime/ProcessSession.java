package aios.sdk.runtime;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.sdk.AgentKilledException;
import aios.sdk.AgentSession;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * The session of one agent process: submits its syscalls as its agent and keeps the handles of those not finished,
 * so that {@link #kill} cancels them. After {@link #kill} or {@link #close} it refuses every syscall.
 */
final class ProcessSession implements AgentSession {

    private final Kernel kernel;
    private final String agent;
    private final long processId;
    private final Set<SyscallHandle> unfinished = ConcurrentHashMap.newKeySet();
    /** Why the session takes no more syscalls; {@code null} while it does. */
    private volatile String closed;
    private volatile boolean killed;

    ProcessSession(Kernel kernel, String agent, long processId) {
        this.kernel = kernel;
        this.agent = agent;
        this.processId = processId;
    }

    @Override
    public String agent() {
        return agent;
    }

    @Override
    public long processId() {
        return processId;
    }

    @Override
    public SyscallResult call(Syscall syscall) {
        Objects.requireNonNull(syscall, "syscall");
        if (!agent.equals(syscall.agent())) {
            throw new IllegalArgumentException("agent process p" + processId + " acts as agent '" + agent
                    + "' and cannot submit a syscall as '" + syscall.agent() + "': build it with session.agent()");
        }
        refuseIfClosed(syscall);
        SyscallHandle h = kernel.submit(syscall);
        unfinished.add(h);
        try {
            if (closed != null) { // closed between the check and the submit: kill() may not have seen the handle
                kernel.cancel(h.id());
                throw refusal(syscall);
            }
            return h.result().toCompletableFuture().get();
        } catch (InterruptedException e) {
            kernel.cancel(h.id());
            Thread.currentThread().interrupt();
            if (killed) {
                throw killedWhileWaiting(h);
            }
            throw new SyscallException("agent process p" + processId + " was interrupted while it waited for syscall "
                    + h.id() + " (" + syscall.kind() + "); the syscall was cancelled");
        } catch (CancellationException e) {
            throw cancelled(h);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CancellationException) {
                throw cancelled(h);
            }
            String message = cause.getMessage() == null || cause.getMessage().isBlank() ? cause.toString()
                    : cause.getMessage();
            throw new SyscallException(message, cause);
        } finally {
            unfinished.remove(h);
        }
    }

    /**
     * Refuses every later syscall and cancels those waiting or running; the agent's calls throw
     * {@link AgentKilledException}.
     */
    void kill(String why) {
        killed = true;
        closed = why;
        unfinished.forEach(h -> kernel.cancel(h.id()));
    }

    /** The process has ended: later syscalls (from threads the agent left behind) are refused, unfinished ones cancelled. */
    void close(String why) {
        if (closed == null) {
            closed = why;
        }
        unfinished.forEach(h -> kernel.cancel(h.id()));
    }

    /** Syscalls submitted and not finished yet. */
    int unfinished() {
        return unfinished.size();
    }

    private void refuseIfClosed(Syscall syscall) {
        if (closed != null) {
            throw refusal(syscall);
        }
    }

    private SyscallException refusal(Syscall syscall) {
        String message = "agent process p" + processId + " (" + agent + ") " + closed + ": its " + syscall.kind()
                + " syscall was not run";
        return killed ? new AgentKilledException(message) : new SyscallException(message);
    }

    private SyscallException cancelled(SyscallHandle h) {
        if (killed) {
            return killedWhileWaiting(h);
        }
        return new SyscallException("syscall " + h.id() + " (" + h.syscall().kind() + ") of agent process p" + processId
                + " was cancelled before it finished (aios:stat " + h.id() + " shows it)");
    }

    private AgentKilledException killedWhileWaiting(SyscallHandle h) {
        return new AgentKilledException("agent process p" + processId + " (" + agent + ") " + closed + ": syscall "
                + h.id() + " (" + h.syscall().kind() + ") was cancelled");
    }
}
