package aios.sdk.runtime;

import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentProcess.Status;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One agent process's state, changing under its own lock: QUEUED, then RUNNING, then exactly one final status. The
 * first final status wins (a kill and the agent's own end may race); {@link #finished} completes with it.
 */
final class RunningProcess {

    final long id;
    final InstalledAgent agent;
    final String input;
    final Instant submitted;
    final CompletableFuture<AgentProcess> finished = new CompletableFuture<>();

    private Status status = Status.QUEUED;
    private Instant started;
    private Instant ended;
    private String result;
    private String error;
    private Thread thread;
    private ProcessSession session;

    RunningProcess(long id, InstalledAgent agent, String input, Instant submitted) {
        this.id = id;
        this.agent = agent;
        this.input = input;
        this.submitted = submitted;
    }

    synchronized AgentProcess snapshot() {
        return new AgentProcess(id, agent.name(), input, status, result, error, submitted, started, ended);
    }

    synchronized Status status() {
        return status;
    }

    /** QUEUED → RUNNING with the thread (not started yet) and session it runs with; false if it was killed. */
    synchronized boolean begin(Instant now, Thread t, ProcessSession s) {
        if (status != Status.QUEUED) {
            return false;
        }
        status = Status.RUNNING;
        started = now;
        thread = t;
        session = s;
        return true;
    }

    /**
     * Sets the final status unless one is set. The caller completes {@link #finished} with the returned process once
     * its own bookkeeping is done, so that whoever waits sees the runner's state after the end.
     *
     * @return the ended process, or {@code null} if it had already ended
     */
    synchronized AgentProcess end(Status to, String result, String error, Instant now) {
        if (status.isFinal()) {
            return null;
        }
        this.status = to;
        this.result = result;
        this.error = error;
        this.ended = now;
        return snapshot();
    }

    /** After {@link #end} with KILLED: cancels the running process's syscalls and interrupts its thread. */
    void stop(String why) {
        Thread t;
        ProcessSession s;
        synchronized (this) {
            t = thread;
            s = session;
        }
        if (s != null) {
            s.kill(why);
        }
        if (t != null) {
            t.interrupt();
        }
    }

    synchronized Thread thread() {
        return thread;
    }
}
