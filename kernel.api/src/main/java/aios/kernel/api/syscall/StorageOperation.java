package aios.kernel.api.syscall;

import java.time.Instant;

/**
 * The operations of a {@link StorageQuery}. Paths are relative to the calling agent's namespace and use
 * {@code /} as separator; the storage manager refuses paths that leave it.
 */
public sealed interface StorageOperation {

    /** The operation's name in history and events: {@code mount}, {@code write}, … */
    String name();

    /**
     * The path the operation names, as given: for a mount its root; {@code null} for a retrieval, which names none.
     *
     * @since 1.3
     */
    String path();

    /** Make {@code root} (relative) the agent's working root. */
    record Mount(String root) implements StorageOperation {
        public String name() {
            return "mount";
        }

        public String path() {
            return root;
        }
    }

    record CreateFile(String path) implements StorageOperation {
        public String name() {
            return "create_file";
        }
    }

    record CreateDir(String path) implements StorageOperation {
        public String name() {
            return "create_dir";
        }
    }

    /** Write {@code content}, keeping the previous content as a version. */
    record Write(String path, String content) implements StorageOperation {
        public Write {
            content = content == null ? "" : content;
        }

        public String name() {
            return "write";
        }
    }

    record Read(String path) implements StorageOperation {
        public String name() {
            return "read";
        }
    }

    record List(String path) implements StorageOperation {
        public String name() {
            return "list";
        }
    }

    record Delete(String path) implements StorageOperation {
        public String name() {
            return "delete";
        }
    }

    /**
     * Go back to an earlier version: the {@code n}-th previous one, or, when {@code at} is given, the one
     * current at that time.
     */
    record Rollback(String path, int n, Instant at) implements StorageOperation {
        public Rollback {
            if (at == null && n < 1) {
                throw new IllegalArgumentException("rollback needs n ≥ 1 or a point in time");
            }
        }

        public String name() {
            return "rollback";
        }
    }

    /** Full-text search over the agent's files; the best {@code k}. */
    record Retrieve(String query, int k) implements StorageOperation {
        public Retrieve {
            if (query == null || query.isBlank()) {
                throw new IllegalArgumentException("retrieval query is missing");
            }
            if (k < 1) {
                throw new IllegalArgumentException("k " + k + " must be at least 1");
            }
        }

        public String name() {
            return "retrieve";
        }

        public String path() {
            return null;
        }
    }
}
