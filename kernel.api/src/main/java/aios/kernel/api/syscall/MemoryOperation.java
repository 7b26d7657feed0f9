package aios.kernel.api.syscall;

import java.util.Map;

/** The operations of a {@link MemoryQuery}; ids are scoped to the calling agent. */
public sealed interface MemoryOperation {

    /** The operation's name in history and events: {@code add}, {@code get}, … */
    String name();

    /** Store a note; the result carries its new id. */
    record Add(String content, Map<String, String> metadata) implements MemoryOperation {
        public Add {
            requireText(content, "memory content");
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }

        public String name() {
            return "add";
        }
    }

    /** Read a note by id. */
    record Get(String id) implements MemoryOperation {
        public Get {
            requireText(id, "memory id");
        }

        public String name() {
            return "get";
        }
    }

    /** Replace a note's content and metadata. */
    record Update(String id, String content, Map<String, String> metadata) implements MemoryOperation {
        public Update {
            requireText(id, "memory id");
            requireText(content, "memory content");
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        }

        public String name() {
            return "update";
        }
    }

    /** Delete a note. */
    record Remove(String id) implements MemoryOperation {
        public Remove {
            requireText(id, "memory id");
        }

        public String name() {
            return "remove";
        }
    }

    /** Find the {@code k} notes that best match {@code query}, optionally only those whose metadata match {@code filter}. */
    record Retrieve(String query, int k, Map<String, String> filter) implements MemoryOperation {
        public Retrieve {
            requireText(query, "retrieval query");
            if (k < 1) {
                throw new IllegalArgumentException("k " + k + " must be at least 1");
            }
            filter = filter == null ? Map.of() : Map.copyOf(filter);
        }

        public String name() {
            return "retrieve";
        }
    }

    /**
     * Free a note from memory: it stays in the durable note store and is read back from there when it is used again
     * (deleting it is {@link Remove}). Frees none of the agent's quota, which counts stored notes.
     *
     * @since 1.2
     */
    record Release(String id) implements MemoryOperation {
        public Release {
            requireText(id, "memory id");
        }

        public String name() {
            return "release";
        }
    }

    /**
     * Free all of the calling agent's notes from memory; they stay in the durable note store. The result's metadata
     * says what was freed: {@code notes} and {@code bytes}.
     *
     * @since 1.2
     */
    record ReleaseAll() implements MemoryOperation {
        public String name() {
            return "release_all";
        }
    }

    private static void requireText(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }
}
