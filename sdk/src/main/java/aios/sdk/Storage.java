package aios.sdk;

import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import java.util.List;
import java.util.Objects;

/**
 * The storage module: the agent's files, as storage syscalls. Paths are relative to the agent's own namespace and use
 * {@code /}; every write keeps the previous content as a version.
 *
 * <pre>
 * session.storage().write("stories/first.txt", story);
 * String again = session.storage().read("stories/first.txt");
 * </pre>
 *
 * <p>Calls throw as {@link AgentSession#call} does (a path that leaves the namespace is refused, naming it).
 */
public final class Storage {

    private final AgentSession session;

    public Storage(AgentSession session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /** Writes a file (creating it and its directories); returns its new version number. */
    public int write(String path, String text) {
        return run(new StorageOperation.Write(path, text)).version();
    }

    /** A file's current content. */
    public String read(String path) {
        return run(new StorageOperation.Read(path)).content();
    }

    /** The entries of a directory ({@code ""}: the agent's root). */
    public List<String> list(String path) {
        return run(new StorageOperation.List(path)).entries();
    }

    /** The entries of the agent's root directory. */
    public List<String> list() {
        return list("");
    }

    /** Deletes a file, or a directory with everything below it. */
    public void delete(String path) {
        run(new StorageOperation.Delete(path));
    }

    /** Goes back {@code versions} versions (the old content becomes a new version); returns the new version number. */
    public int rollback(String path, int versions) {
        return run(new StorageOperation.Rollback(path, versions, null)).version();
    }

    /** The paths of the {@code k} files whose content best matches {@code query}, best first. */
    public List<String> retrieve(String query, int k) {
        return run(new StorageOperation.Retrieve(query, k)).hits();
    }

    private StorageResult run(StorageOperation op) {
        return Results.call(session, new StorageQuery(session.agent(), op), StorageResult.class);
    }
}
