package aios.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * The storage manager's database seen from outside, read-only: what its collector has committed. Every query runs
 * in a transaction of its own, so it sees exactly the transactions committed before it began (WAL snapshot) — rows
 * the collector has queued or is writing are not counted. Not thread-safe: one thread at a time.
 */
final class StoredEvents implements AutoCloseable {

    /** "AIOS": the application id the storage manager gives its databases. */
    private static final int APPLICATION_ID = 0x41494F53;

    /** Rows of a table, every column but {@code row_id}, in the order written. */
    record Rows(String table, List<String> columns, List<Object[]> values) {
        int column(String name) {
            int i = columns.indexOf(name);
            if (i < 0) {
                throw new IllegalStateException("table " + table + " has no column " + name + " (it has " + columns
                        + "): this bench was written for a schema that has it; update it with the storage manager");
            }
            return i;
        }
    }

    private final Path file;
    private final Connection connection;

    private StoredEvents(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens {@code file} read-only; it must be a storage manager's database. */
    static StoredEvents open(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the storage database " + file + " does not exist: is the storage manager "
                    + "active, with this path (PID " + StorageSettings.PID + ", path)?");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(5_000);
        Connection c = config.createConnection("jdbc:sqlite:" + file);
        StoredEvents stored = new StoredEvents(file, c);
        try {
            long id = stored.number("PRAGMA application_id");
            if (id != APPLICATION_ID) {
                throw new IllegalStateException(file + " has application id " + id + ", not the storage manager's "
                        + APPLICATION_ID + ": the configuration " + StorageSettings.PID + " names another file");
            }
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return stored;
    }

    Path file() {
        return file;
    }

    /** The row id of the newest committed event, 0 for none (row ids only grow: the collector never deletes). */
    long lastEvent() throws SQLException {
        return number("SELECT coalesce(max(row_id), 0) FROM events");
    }

    /** The row id of the newest committed task-history row, 0 for none. */
    long lastHistory() throws SQLException {
        return number("SELECT coalesce(max(row_id), 0) FROM task_history");
    }

    /**
     * Committed rows of {@code table} ({@code events} or {@code task_history}) after row {@code after} whose agent's
     * name starts with {@code agentPrefix}.
     */
    long count(String table, long after, String agentPrefix) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT count(*) FROM " + table + " WHERE row_id > ? "
                + "AND substr(agent, 1, ?) = ?")) {
            s.setLong(1, after);
            s.setInt(2, agentPrefix.length());
            s.setString(3, agentPrefix);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /**
     * The statements that create {@code tables} with their indexes and triggers: tables first, in the order they were
     * created. A full-text table is one of them, and SQLite makes its shadow tables itself.
     */
    List<String> schema(List<String> tables) throws SQLException {
        List<String> ddl = new ArrayList<>();
        String in = String.join(",", tables.stream().map(t -> "'" + t + "'").toList());
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT sql FROM sqlite_schema WHERE tbl_name IN (" + in + ") AND sql IS "
                     + "NOT NULL ORDER BY type <> 'table', type = 'trigger', rowid")) {
            while (r.next()) {
                ddl.add(r.getString(1));
            }
        }
        if (ddl.size() < tables.size()) {
            throw new IllegalStateException(file + " lacks some of the tables " + tables + ": this bench was written "
                    + "for a schema that has them; update it with the storage manager");
        }
        return ddl;
    }

    /** The rows of {@code table} after row {@code after}, in row order, as the collector wrote them. */
    Rows rows(String table, long after) throws SQLException {
        List<Object[]> values = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement("SELECT * FROM " + table + " WHERE row_id > ? "
                + "ORDER BY row_id")) {
            s.setLong(1, after);
            try (ResultSet r = s.executeQuery()) {
                ResultSetMetaData m = r.getMetaData();
                int skip = -1;
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    if (m.getColumnName(i).equals("row_id")) {
                        skip = i;
                    } else {
                        columns.add(m.getColumnName(i));
                    }
                }
                while (r.next()) {
                    Object[] row = new Object[columns.size()];
                    for (int i = 1, j = 0; i <= m.getColumnCount(); i++) {
                        if (i != skip) {
                            row[j++] = r.getObject(i);
                        }
                    }
                    values.add(row);
                }
            }
        }
        return new Rows(table, List.copyOf(columns), values);
    }

    private long number(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
