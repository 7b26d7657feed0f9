package aios.kernel.api.context;

import java.time.Instant;

/**
 * A saved context, as listed: the bytes themselves stay with the context manager.
 *
 * @param agent whose context it is
 * @param id its number among the agent's snapshots, from 1
 * @param created when it was taken
 * @param bytes its size as stored
 * @param messages messages of the conversation it holds
 * @param generations unfinished generations it holds (each continues exactly where it stopped on restore)
 */
public record ContextSnapshot(String agent, long id, Instant created, long bytes, int messages, int generations) {
}
