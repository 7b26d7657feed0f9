package aios.sdk;

import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The memory module: the agent's notes, as memory syscalls. Notes belong to the agent (not the process): a later
 * process of the same agent retrieves what an earlier one added.
 *
 * <pre>
 * session.memory().add("the user prefers metric units", Map.of("topic", "preferences"));
 * List&lt;MemoryResult.Hit&gt; hits = session.memory().retrieve("units", 3);
 * </pre>
 *
 * <p>Calls throw as {@link AgentSession#call} does (a note over the agent's quota is refused, naming it).
 */
public final class Memory {

    private final AgentSession session;

    public Memory(AgentSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** Stores a note; returns its id. */
    public String add(String text) {
        return add(text, Map.of());
    }

    /** Stores a note with metadata (key–value pairs to filter retrieval by); returns its id. */
    public String add(String text, Map<String, String> metadata) {
        return run(new MemoryOperation.Add(text, metadata)).id();
    }

    /** The {@code k} notes that best match {@code query}, best first (fewer when fewer match). */
    public List<MemoryResult.Hit> retrieve(String query, int k) {
        return retrieve(query, k, Map.of());
    }

    /** As {@link #retrieve(String, int)}, among the notes whose metadata hold every pair of {@code filter}. */
    public List<MemoryResult.Hit> retrieve(String query, int k, Map<String, String> filter) {
        return run(new MemoryOperation.Retrieve(query, k, filter)).hits();
    }

    /** A note by id: its {@link MemoryResult#content()} and {@link MemoryResult#metadata()}. */
    public MemoryResult get(String id) {
        return run(new MemoryOperation.Get(id));
    }

    /** Replaces a note's content and metadata. */
    public void update(String id, String text, Map<String, String> metadata) {
        run(new MemoryOperation.Update(id, text, metadata));
    }

    /** Deletes a note. */
    public void remove(String id) {
        run(new MemoryOperation.Remove(id));
    }

    private MemoryResult run(MemoryOperation op) {
        return Results.call(session, new MemoryQuery(session.agent(), op), MemoryResult.class);
    }
}
