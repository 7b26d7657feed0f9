package aios.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqlite.SQLiteConfig;

/**
 * The machine's limit for what the storage manager writes: rows already made, inserted with plain JDBC into tables
 * of the storage database's shape (its own statements: indexes, full-text index and triggers included) in a database
 * file of its own, with the storage manager's settings — WAL, {@code synchronous=FULL}, the same checkpoint size, foreign keys on, write
 * transactions that take the lock at BEGIN. No queue, no thread hand-off, no conversion: only what SQLite must do.
 */
final class PlainInsertLoop implements AutoCloseable {

    /** Topics whose event the collector also writes as a task-history row. */
    private static final Set<String> FINISHED = Set.of("aios/syscall/COMPLETED", "aios/syscall/FAILED",
            "aios/syscall/CANCELLED");

    private final Path file;
    private final Connection connection;

    private PlainInsertLoop(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /**
     * Creates {@code file} anew (removing an old one) with the statements {@code ddl}, checkpointing its WAL at
     * {@code checkpointPages} pages as the storage manager does.
     */
    static PlainInsertLoop create(Path file, List<String> ddl, int checkpointPages) throws SQLException, IOException {
        delete(file);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        Connection c = config.createConnection("jdbc:sqlite:" + file);
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = " + checkpointPages);
            for (String statement : ddl) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return new PlainInsertLoop(file, c);
    }

    /**
     * Inserts {@code events} in transactions of {@code batch} entries, as the collector does; with {@code history},
     * each transaction first upserts the agents of its events (task history refers to them) and also inserts the
     * history rows of its finished syscalls, the n-th finished event's being the n-th history row.
     *
     * @param history the task-history rows, or {@code null} for events alone
     * @param historyIsAnEntry whether a history row counts as an entry of its own towards {@code batch} (the kernel
     *     handed it to the collector apart from the events), or rides with its event (the collector made it from the
     *     event)
     * @return the nanoseconds the loop took
     */
    long insert(StoredEvents.Rows events, StoredEvents.Rows history, int batch, boolean historyIsAnEntry)
            throws SQLException {
        int topic = events.column("topic");
        int agent = events.column("agent");
        int time = events.column("time_us");
        List<Object[]> rows = events.values();
        List<Object[]> histories = history == null ? List.of() : history.values();
        connection.setAutoCommit(false);
        long t0 = System.nanoTime();
        try (PreparedStatement a = connection.prepareStatement("INSERT INTO agents(name, first_seen_us, "
                + "last_seen_us) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET last_seen_us = max(last_seen_us, "
                + "excluded.last_seen_us)");
             PreparedStatement ev = connection.prepareStatement(insert(events));
             PreparedStatement h = history == null ? null : connection.prepareStatement(insert(history))) {
            int i = 0;
            int next = 0;
            Map<Object, Long> seen = new HashMap<>();
            while (i < rows.size()) {
                int entries = 0;
                int histories0 = next;
                int from = i;
                while (i < rows.size() && entries < batch) {
                    Object[] r = rows.get(i++);
                    entries++;
                    if (h != null && FINISHED.contains(r[topic]) && next < histories.size()) {
                        next++;
                        entries += historyIsAnEntry ? 1 : 0;
                    }
                }
                if (h != null) {
                    seen.clear();
                    for (Object[] r : rows.subList(from, i)) {
                        if (r[agent] != null) {
                            seen.merge(r[agent], ((Number) r[time]).longValue(), Math::max);
                        }
                    }
                    for (Map.Entry<Object, Long> e : seen.entrySet()) {
                        a.setObject(1, e.getKey());
                        a.setLong(2, e.getValue());
                        a.setLong(3, e.getValue());
                        a.addBatch();
                    }
                    a.executeBatch();
                }
                for (Object[] r : rows.subList(from, i)) {
                    bind(ev, r);
                    ev.addBatch();
                }
                ev.executeBatch();
                if (h != null) {
                    for (Object[] r : histories.subList(histories0, next)) {
                        bind(h, r);
                        h.addBatch();
                    }
                    h.executeBatch();
                }
                connection.commit();
            }
            return System.nanoTime() - t0;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new SQLException("the plain insert loop into " + file + " failed: " + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * Adds {@code contents} as notes of one agent, one transaction each, as a durable note store must (a note is on
     * disk before its add returns): the note's row, which the triggers index, and its metadata.
     *
     * @return the nanoseconds the loop took
     */
    long addNotes(List<String> contents, Map<String, String> metadata) throws SQLException {
        connection.setAutoCommit(false);
        long t0 = System.nanoTime();
        try (PreparedStatement n = connection.prepareStatement("INSERT INTO notes(agent, id, content, created_us, "
                + "updated_us) VALUES (?, ?, ?, ?, ?) RETURNING row_id");
             PreparedStatement m = connection.prepareStatement("INSERT INTO note_metadata(note, key, value) "
                     + "VALUES (?, ?, ?)")) {
            for (int i = 0; i < contents.size(); i++) {
                long now = System.currentTimeMillis() * 1000;
                n.setString(1, "bench-limit");
                n.setString(2, String.format("%012x", i));
                n.setString(3, contents.get(i));
                n.setLong(4, now);
                n.setLong(5, now);
                long row;
                try (var r = n.executeQuery()) {
                    r.next();
                    row = r.getLong(1);
                }
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    m.setLong(1, row);
                    m.setString(2, e.getKey());
                    m.setString(3, e.getValue());
                    m.executeUpdate();
                }
                connection.commit();
            }
            return System.nanoTime() - t0;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw new SQLException("the plain note loop into " + file + " failed: " + e.getMessage(), e);
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private static String insert(StoredEvents.Rows rows) {
        return "INSERT INTO " + rows.table() + "(" + String.join(", ", rows.columns()) + ") VALUES ("
                + String.join(", ", Collections.nCopies(rows.columns().size(), "?")) + ")";
    }

    private static void bind(PreparedStatement s, Object[] row) throws SQLException {
        for (int i = 0; i < row.length; i++) {
            s.setObject(i + 1, row[i]);
        }
    }

    /** Closes the connection and removes the database file. */
    @Override
    public void close() throws SQLException, IOException {
        connection.close();
        delete(file);
    }

    private static void delete(Path file) throws IOException {
        for (String suffix : List.of("", "-wal", "-shm")) {
            Files.deleteIfExists(file.resolveSibling(file.getFileName() + suffix));
        }
    }
}
