package aios.manager.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;
import org.sqlite.SQLiteConfig;

/**
 * The storage database: one SQLite file in WAL mode with {@code synchronous=FULL}, so a transaction that has
 * committed is in the fsynced log and survives a crash or power loss. Writes go through one connection, one at a
 * time (so writers in this process never meet SQLite's busy errors); reads use a small pool and run beside them,
 * each on a consistent snapshot. The schema is created or migrated at activation; a database from a newer
 * version of this bundle is refused, and then none of the bundle's services are registered (they all need this one).
 *
 * <p>This component registers its {@code Database} service itself, once the file is open: a DS-registered service
 * is in the registry before activation, and one whose activation failed would stay there, satisfying every
 * component of this bundle with a service that cannot be got.
 */
@Component(service = {}, configurationPid = Database.PID, immediate = true)
@Designate(ocd = StorageConfig.class)
public final class Database implements AutoCloseable {

    static final String PID = "aios.storage";

    /** Work on a connection; may throw the SQL errors it meets. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** Statements to run, through {@link #write} or {@link #read}, for {@link #onBehalfOf}. */
    interface Sql<T> {
        T run() throws SQLException;
    }

    /**
     * Runs {@code work} for an agent's operation; a database error becomes an {@link IllegalStateException} that
     * names the operation, the agent and the database file.
     */
    <T> T onBehalfOf(String agent, String what, Sql<T> work) {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new IllegalStateException("could not " + what + " of agent '" + agent + "' in the storage database "
                    + file + ": " + e.getMessage(), e);
        }
    }

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Logger log;

    private Path file;
    private ServiceRegistration<Database> registration;
    private Connection writer;
    private final ReentrantLock writing = new ReentrantLock();
    private BlockingQueue<Connection> readers;
    private final List<Connection> all = new ArrayList<>();
    /** The WAL's size, in pages, at which a commit also checkpoints it into the database file. */
    private int checkpointPages = DEFAULT_CHECKPOINT_PAGES;
    static final int DEFAULT_CHECKPOINT_PAGES = 10_000;

    /** For DS; tests use {@link #open}. */
    public Database() {
    }

    /** Opens (creating or migrating) the database {@code file}, with the bundled schema. */
    static Database open(Path file, int busyTimeoutMs, int readers) throws SQLException {
        return open(file, busyTimeoutMs, readers, Schema.bundled());
    }

    static Database open(Path file, int busyTimeoutMs, int readers, Schema schema) throws SQLException {
        Database db = new Database();
        db.start(file, busyTimeoutMs, readers, schema);
        return db;
    }

    @Activate
    void activate(BundleContext bundle, StorageConfig config) throws SQLException {
        String data = bundle.getProperty("aios.data");
        Path path = config.path().isBlank() ? Path.of(data == null ? "data" : data).resolve("storage.db")
                : Path.of(config.path());
        try {
            checkpointPages = config.wal_autocheckpoint_pages();
            int was = start(path, config.busy_timeout_ms(), config.readers(), Schema.bundled());
            registration = bundle.registerService(Database.class, this, null);
            Logger l = log;
            if (l != null) {
                l.info("storage database {} open at schema version {}{}", path, Schema.bundled().version(),
                        was == 0 ? " (new)" : was < Schema.bundled().version() ? " (migrated from " + was + ")" : "");
            }
        } catch (SQLException | RuntimeException e) {
            Logger l = log;
            if (l != null) {
                l.error("the storage manager is not available: {}", e.getMessage());
            }
            throw e;
        }
    }

    private int start(Path path, int busyTimeoutMs, int readerCount, Schema schema) throws SQLException {
        if (busyTimeoutMs < 0) {
            throw new IllegalArgumentException("busy.timeout.ms=" + busyTimeoutMs + " in " + PID
                    + " is not accepted: use milliseconds >= 0");
        }
        if (checkpointPages < 1) {
            throw new IllegalArgumentException("wal.autocheckpoint.pages=" + checkpointPages + " in " + PID
                    + " is not accepted: use at least 1 (pages of the page size, 4096 bytes by default)");
        }
        if (readerCount < 1) {
            throw new IllegalArgumentException("readers=" + readerCount + " in " + PID
                    + " is not accepted: use at least 1");
        }
        this.file = path.toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (java.io.IOException e) {
            throw new SQLException("cannot create the directory of the storage database " + file + ": " + e, e);
        }
        try {
            writer = connect(busyTimeoutMs, SQLiteConfig.TransactionMode.IMMEDIATE);
            // Only the writer commits, so only its setting decides when the WAL is copied back. SQLite's default,
            // 1,000 pages, copies the hot index pages back again and again under a stream of small transactions.
            try (var st = writer.createStatement()) {
                st.execute("PRAGMA wal_autocheckpoint = " + checkpointPages);
            }
            int was = schema.apply(writer, file);
            readers = new ArrayBlockingQueue<>(readerCount);
            for (int i = 0; i < readerCount; i++) {
                readers.add(connect(busyTimeoutMs, SQLiteConfig.TransactionMode.DEFERRED));
            }
            return was;
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private Connection connect(int busyTimeoutMs, SQLiteConfig.TransactionMode mode) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(busyTimeoutMs);
        config.enforceForeignKeys(true);
        // The writer's transactions take the write lock at BEGIN: waiting there (busy timeout) is safe, whereas a
        // deferred transaction that upgrades a read to a write can fail at once when another process wrote meanwhile.
        // Readers' transactions are deferred: they never take the write lock.
        config.setTransactionMode(mode);
        Connection c;
        try {
            c = config.createConnection("jdbc:sqlite:" + file);
        } catch (SQLException e) {
            throw new SQLException("cannot open the storage database " + file + ": " + e.getMessage(), e);
        }
        synchronized (all) {
            all.add(c);
        }
        return c;
    }

    Path file() {
        return file;
    }

    /**
     * Runs {@code work} in one write transaction: committed (and on disk) when this returns, rolled back entirely
     * when it throws.
     */
    <T> T write(Work<T> work) throws SQLException {
        writing.lock();
        try {
            writer.setAutoCommit(false);
            try {
                T result = work.run(writer);
                writer.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                writer.rollback();
                throw e;
            } finally {
                writer.setAutoCommit(true);
            }
        } finally {
            writing.unlock();
        }
    }

    /** Runs {@code work} on a consistent snapshot of the database; it must not write. */
    <T> T read(Work<T> work) throws SQLException {
        Connection c;
        try {
            c = readers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection to the storage database " + file, e);
        }
        try {
            // one deferred transaction: every statement of the work sees the same snapshot
            c.setAutoCommit(false);
            try {
                return work.run(c);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } finally {
            readers.add(c);
        }
    }

    /** SQLite's own check of the whole file: {@code ["ok"]}, or the problems it found. */
    List<String> integrityCheck() throws SQLException {
        return read(c -> {
            List<String> out = new ArrayList<>();
            try (var st = c.createStatement(); var rs = st.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    /** Withdraws the service first, so that the components using it (the collector flushing) finish before it closes. */
    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        close();
    }

    @Override
    public void close() {
        List<Connection> open;
        synchronized (all) {
            open = new ArrayList<>(all);
            all.clear();
        }
        SQLException first = null;
        for (Connection c : open) {
            try {
                c.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            Logger l = log;
            if (l != null) {
                l.error("closing the storage database {} failed: {}", file, first.getMessage());
            }
        }
    }
}
