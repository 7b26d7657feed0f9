package aios.kernel.api;

import java.time.Instant;

/**
 * A registered agent and what it has asked of the kernel so far.
 *
 * @param name the agent's name
 * @param registered when it was registered
 * @param submitted syscalls accepted
 * @param completed syscalls completed
 * @param failed syscalls failed
 * @param active syscalls waiting or running now
 */
public record AgentInfo(String name, Instant registered, long submitted, long completed, long failed, long active) {
}
