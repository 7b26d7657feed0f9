package aios.kernel.api.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One run of an agent, as the {@link AgentRunner} knows it at one moment: an immutable snapshot. Ask the runner again
 * for a newer one.
 *
 * @param id the process id, unique while the runner runs, increasing in order of submission
 * @param agent the name of the agent it runs (the kernel agent its syscalls act as)
 * @param input what it was given
 * @param status where it is
 * @param result what the agent returned, once {@link Status#DONE}; {@code null} otherwise
 * @param error why it failed or was killed, once {@link Status#FAILED} or {@link Status#KILLED}; {@code null}
 *              otherwise
 * @param submitted when it was accepted
 * @param started when it began to run; {@code null} while queued, and for a process killed while queued
 * @param ended when it ended; {@code null} until its status is final
 */
public record AgentProcess(long id, String agent, String input, Status status, String result, String error,
                           Instant submitted, Instant started, Instant ended) {

    /** Where a process is in its life. */
    public enum Status {
        /** Accepted, waiting for a free place to run (the runner runs a bounded number at once). */
        QUEUED,
        /** Its agent is running. */
        RUNNING,
        /** The agent returned; {@link #result()} holds what it returned. */
        DONE,
        /** The agent threw; {@link #error()} says why. */
        FAILED,
        /** It was killed before it ended; {@link #error()} says by what. */
        KILLED;

        /** Whether the process has ended: DONE, FAILED or KILLED. */
        public boolean isFinal() {
            return this == DONE || this == FAILED || this == KILLED;
        }
    }

    public AgentProcess {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(submitted, "submitted");
        input = input == null ? "" : input;
    }

    /** Time spent queued: start − submission, or until {@code now} while still queued. */
    public Duration waiting(Instant now) {
        Instant until = started != null ? started : ended != null ? ended : now;
        return Duration.between(submitted, until);
    }

    /** Time it has run: start to end, or to {@code now} while running; zero if it never started. */
    public Duration runtime(Instant now) {
        if (started == null) {
            return Duration.ZERO;
        }
        return Duration.between(started, ended != null ? ended : now);
    }
}
