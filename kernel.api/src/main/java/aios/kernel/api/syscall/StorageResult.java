package aios.kernel.api.syscall;

import java.util.List;

/**
 * The answer to a storage operation.
 *
 * @param message a sentence for people (what was done)
 * @param content the file's content (read), otherwise {@code null}
 * @param entries the directory's entries (list), otherwise empty
 * @param hits matching paths, best first (retrieve), otherwise empty
 * @param version the file's version after the operation (write, rollback), 0 otherwise
 */
public record StorageResult(String message, String content, List<String> entries, List<String> hits, int version)
        implements SyscallResult {
    public StorageResult {
        entries = entries == null ? List.of() : List.copyOf(entries);
        hits = hits == null ? List.of() : List.copyOf(hits);
    }
}
