package aios.manager.storage;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** The settings of every component of this bundle: they share the PID {@value Database#PID}. */
@ObjectClassDefinition(id = Database.PID, name = "AIOS storage manager",
        description = "The SQLite database of agents' files, memory notes, task history and kernel events")
public @interface StorageConfig {

    @AttributeDefinition(description = "The database file; empty: storage.db in the kernel's data directory "
            + "(the framework property aios.data)")
    String path() default "";

    @AttributeDefinition(name = "busy.timeout.ms",
            description = "How long a statement waits for another process's lock on the database before it fails")
    int busy_timeout_ms() default 5_000;

    @AttributeDefinition(name = "readers", description = "Connections for concurrent reads (writes use one more)")
    int readers() default 4;

    @AttributeDefinition(name = "file.max.bytes",
            description = "The largest file content an agent may write, in bytes of UTF-8")
    long file_max_bytes() default 10L << 20;

    @AttributeDefinition(name = "wal.autocheckpoint.pages",
            description = "The size of the write-ahead log, in database pages (4 KiB), at which a commit copies it "
                    + "back into the database file. Larger: fewer, longer checkpoints and faster writing (each hot "
                    + "index page is copied back once per checkpoint), at the cost of a larger -wal file and a "
                    + "longer recovery after a crash", min = "1")
    int wal_autocheckpoint_pages() default Database.DEFAULT_CHECKPOINT_PAGES;

    @AttributeDefinition(name = "collector.queue",
            description = "Events the collector holds before it makes Event Admin wait (backpressure)")
    int collector_queue() default 16_384;

    @AttributeDefinition(name = "collector.batch", description = "Most events the collector writes in one "
            + "transaction. A transaction takes only what is queued, so it is this large only while the writer is "
            + "behind; larger ones make each row cheaper but hold the database's one writer longer")
    int collector_batch() default 8_192;

    @AttributeDefinition(name = "collector.wait.ms",
            description = "How long an event waits for room in a full queue before it is dropped, counted and "
                    + "logged as an error")
    long collector_wait_ms() default 10_000;

    @AttributeDefinition(name = "history.durable",
            description = "true: the kernel acknowledges a syscall only once its task-history row is on disk, so "
                    + "the history is complete after a crash, at the cost of waiting for the next group commit "
                    + "(about a millisecond or more per syscall). false: the history is written from the kernel's "
                    + "events after the acknowledgment, and the last syscalls before a crash may be missing from it")
    boolean history_durable() default true;
}
