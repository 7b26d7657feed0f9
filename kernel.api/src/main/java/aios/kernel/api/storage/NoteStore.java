package aios.kernel.api.storage;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The durable home of agents' memory notes, offered by the storage manager: the memory manager keeps notes in
 * memory for speed and here for durability, so that a note evicted from memory, or held by a kernel that was
 * killed, is never lost. A write has reached the disk when its method returns.
 *
 * <p>Thread-safe. Every method touches only the notes of the agent it names.
 *
 * @since 1.1
 */
@ProviderType
public interface NoteStore {

    /**
     * A stored note.
     *
     * @param agent its owner
     * @param id its id, unique per agent
     * @param content its text
     * @param metadata its metadata (tags and other keys)
     * @param created when it was added
     * @param updated when it was last changed
     */
    record Note(String agent, String id, String content, Map<String, String> metadata, Instant created,
                Instant updated) {

        public Note {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }

    /** A note found by {@link #search}, with its full-text rank (higher is better). */
    record Found(Note note, double rank) {
    }

    /** Adds or replaces a note (by agent and id); durable on return. */
    void put(Note note);

    Optional<Note> get(String agent, String id);

    /** @return whether there was such a note */
    boolean remove(String agent, String id);

    /** Removes all of an agent's notes; @return how many there were. */
    int removeAll(String agent);

    /**
     * Full-text search over an agent's notes whose metadata contains every entry of {@code filter}.
     *
     * @return the best {@code k}, best first
     * @throws IllegalArgumentException if {@code text} is not a valid search (the message says why)
     */
    List<Found> search(String agent, String text, Map<String, String> filter, int k);

    /** An agent's notes, most recently updated first, at most {@code limit}. */
    List<Note> list(String agent, int limit);
}
