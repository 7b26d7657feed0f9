package aios.kernel.api.storage;

import aios.kernel.api.context.ContextSnapshot;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps agents' context snapshots durably, for the context manager. The snapshot's bytes are the context manager's
 * own format: the archive stores them as they are and hands them back unchanged; it does not read them.
 *
 * <p>Snapshots are numbered per agent from 1, in the order they were saved, and never renumbered. A save is on disk
 * when it returns. Thread-safe; every method may block on the disk.
 *
 * @since 1.2
 */
@ProviderType
public interface ContextArchive {

    /**
     * Stores a new snapshot under the agent's next number.
     *
     * @param agent whose context it is
     * @param created when it was taken
     * @param messages messages of the conversation it holds
     * @param generations unfinished generations it holds
     * @param data the snapshot's bytes (not modified, not kept after this returns)
     * @return the snapshot as listed, with its number
     * @throws IllegalStateException if it could not be stored (nothing was stored then), with the reason
     */
    ContextSnapshot save(String agent, Instant created, int messages, int generations, byte[] data);

    /**
     * Stores a snapshot under the number it already has (as when snapshots move in from elsewhere).
     *
     * @return {@code false}, storing nothing, when the agent already has a snapshot with that number
     * @throws IllegalStateException if it could not be stored, with the reason
     */
    boolean put(ContextSnapshot snapshot, byte[] data);

    /** The agent's snapshots, oldest first; empty when it has none. */
    List<ContextSnapshot> list(String agent);

    /** A snapshot's bytes, exactly as saved; empty when the agent has no snapshot with that number. */
    Optional<byte[]> read(String agent, long id);
}
