package aios.kernel.api.syscall;

import java.time.Duration;
import java.time.Instant;

/**
 * What every syscall tells the scheduler about itself.
 *
 * @param priority larger is more urgent; 0 is normal
 * @param deadline the absolute time by which the syscall should be done, or {@code null} for none
 * @param costHint the caller's estimate of the service time, or {@code null} to let the kernel estimate
 */
public record Scheduling(int priority, Instant deadline, Duration costHint) {

    /** Normal priority, no deadline, no cost hint. */
    public static final Scheduling DEFAULT = new Scheduling(0, null, null);

    public Scheduling {
        if (costHint != null && costHint.isNegative()) {
            throw new IllegalArgumentException("cost hint " + costHint + " is negative: give a duration ≥ 0 or none");
        }
    }

    public static Scheduling priority(int priority) {
        return new Scheduling(priority, null, null);
    }

    public Scheduling withPriority(int p) {
        return new Scheduling(p, deadline, costHint);
    }

    public Scheduling withDeadline(Instant d) {
        return new Scheduling(priority, d, costHint);
    }

    public Scheduling withCostHint(Duration c) {
        return new Scheduling(priority, deadline, c);
    }
}
