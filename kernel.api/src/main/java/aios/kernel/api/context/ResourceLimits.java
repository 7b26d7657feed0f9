package aios.kernel.api.context;

import java.time.Duration;

/**
 * The most an agent may use; 0 (or {@link Duration#ZERO}) means no limit.
 *
 * @param tokens tokens the agent's generations may produce in all
 * @param syscalls syscalls the kernel may accept from the agent
 * @param wallTime time since the agent was registered after which it may not submit or keep generating
 * @param memoryBytes bytes its context may hold (conversation and saved snapshots)
 */
public record ResourceLimits(long tokens, long syscalls, Duration wallTime, long memoryBytes) {

    /** No limits. */
    public static final ResourceLimits NONE = new ResourceLimits(0, 0, Duration.ZERO, 0);

    public ResourceLimits {
        if (tokens < 0 || syscalls < 0 || memoryBytes < 0) {
            throw new IllegalArgumentException("limits must be ≥ 0 (0 means no limit): tokens " + tokens
                    + ", syscalls " + syscalls + ", memory bytes " + memoryBytes);
        }
        wallTime = wallTime == null ? Duration.ZERO : wallTime;
        if (wallTime.isNegative()) {
            throw new IllegalArgumentException("wall time limit " + wallTime + " is negative: give ≥ 0 (0 means no limit)");
        }
    }

    public ResourceLimits withTokens(long t) {
        return new ResourceLimits(t, syscalls, wallTime, memoryBytes);
    }

    public ResourceLimits withSyscalls(long s) {
        return new ResourceLimits(tokens, s, wallTime, memoryBytes);
    }

    public ResourceLimits withWallTime(Duration w) {
        return new ResourceLimits(tokens, syscalls, w, memoryBytes);
    }

    public ResourceLimits withMemoryBytes(long m) {
        return new ResourceLimits(tokens, syscalls, wallTime, m);
    }
}
