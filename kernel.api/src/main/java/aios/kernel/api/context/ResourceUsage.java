package aios.kernel.api.context;

import java.time.Duration;

/**
 * What an agent has used since it was registered.
 *
 * @param syscalls syscalls the kernel accepted
 * @param promptTokens prompt tokens of its finished LLM syscalls
 * @param generatedTokens tokens its generations produced, counted as they are produced
 * @param wallTime time since it was registered
 * @param memoryBytes bytes its context holds now (conversation and saved snapshots)
 */
public record ResourceUsage(long syscalls, long promptTokens, long generatedTokens, Duration wallTime,
                            long memoryBytes) {
}
