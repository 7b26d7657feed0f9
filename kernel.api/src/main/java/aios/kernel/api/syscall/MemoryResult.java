package aios.kernel.api.syscall;

import java.util.List;
import java.util.Map;

/**
 * The answer to a memory operation.
 *
 * @param id the note's id (add, get, update, remove, release), {@code null} for retrieve and release_all
 * @param content the note's content (get), otherwise {@code null}
 * @param metadata the note's metadata (get); what was freed (release_all: {@code notes}, {@code bytes}); otherwise
 *                 empty
 * @param hits the ranked matches (retrieve), otherwise empty
 */
public record MemoryResult(String id, String content, Map<String, String> metadata, List<Hit> hits)
        implements SyscallResult {

    public MemoryResult {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        hits = hits == null ? List.of() : List.copyOf(hits);
    }

    /** One retrieved note with its score (higher is better). */
    public record Hit(String id, String content, Map<String, String> metadata, double score) {
        public Hit {
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }
    }
}
