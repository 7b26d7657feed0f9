package aios.kernel.api;

import java.time.Duration;
import java.time.Instant;

/**
 * When a syscall arrived, started and ended. Measured for every syscall, the first time too.
 *
 * @param arrival when the kernel accepted it
 * @param start when a worker took it, {@code null} while it waits
 * @param end when it finished, {@code null} while it waits or runs
 */
public record Timings(Instant arrival, Instant start, Instant end) {

    /** Time spent waiting in the queue: start − arrival; {@code null} while it has not started. */
    public Duration waiting() {
        return start == null ? null : Duration.between(arrival, start);
    }

    /** Time from arrival to end, {@code null} if not ended. */
    public Duration turnaround() {
        return end == null ? null : Duration.between(arrival, end);
    }

    /** Time a worker spent on it, {@code null} if not ended or never started (cancelled while waiting). */
    public Duration service() {
        return end == null || start == null ? null : Duration.between(start, end);
    }
}
