package aios.manager.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The database's schema: {@code base} creates the newest schema in an empty database, and {@code migrations.get(i)}
 * brings a database at version {@code i + 1} to {@code i + 2}. The version is kept in {@code PRAGMA user_version}
 * and the file is marked with {@link #APPLICATION_ID}, so a foreign SQLite file is not mistaken for ours. Each step
 * runs in one transaction with its version change: a failed migration leaves the previous version intact.
 */
record Schema(String base, List<String> migrations) {

    /** "AIOS" in ASCII: {@code PRAGMA application_id} of every storage database. */
    static final int APPLICATION_ID = 0x41494F53;

    Schema {
        migrations = List.copyOf(migrations);
    }

    /** The version this schema brings a database to. */
    int version() {
        return 1 + migrations.size();
    }

    /** {@code schema.sql} and the {@code migration-N.sql} files (N = 2, 3, …) beside this class. */
    static Schema bundled() {
        List<String> migrations = new ArrayList<>();
        for (int n = 2; ; n++) {
            String sql = resource("migration-" + n + ".sql");
            if (sql == null) {
                break;
            }
            migrations.add(sql);
        }
        String base = resource("schema.sql");
        if (base == null) {
            throw new IllegalStateException("schema.sql is missing from the bundle aios.manager.storage: rebuild it");
        }
        return new Schema(base, migrations);
    }

    private static String resource(String name) {
        try (InputStream in = Schema.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the bundle aios.manager.storage", e);
        }
    }

    /**
     * Creates or migrates the schema of the database {@code file} open on {@code c}.
     *
     * @return the version the database had before (0 for a new one)
     * @throws SQLException if the database is newer than this schema, not a storage database, or a step fails;
     *                      the message names the file and what to do
     */
    int apply(Connection c, Path file) throws SQLException {
        int found = pragma(c, "user_version");
        int application = pragma(c, "application_id");
        if (found > version()) {
            throw new SQLException("the storage database " + file + " has schema version " + found + ", newer than the "
                    + version() + " this aios.manager.storage knows: it was written by a newer version of the bundle. "
                    + "Run that version, or set 'path' in the configuration aios.storage to another file");
        }
        if (found == 0 ? application != 0 || hasTables(c) : application != APPLICATION_ID) {
            throw new SQLException("the file " + file + " is an SQLite database but not an AIOS storage database "
                    + "(application_id " + application + ", user_version " + found + "): set 'path' in the "
                    + "configuration aios.storage to another file");
        }
        if (found == 0) {
            step(c, base, version());
            return 0;
        }
        for (int v = found; v < version(); v++) {
            step(c, migrations.get(v - 1), v + 1);
        }
        return found;
    }

    private static void step(Connection c, String sql, int version) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            for (String statement : statements(sql)) {
                s.execute(statement);
            }
            s.execute("PRAGMA application_id = " + APPLICATION_ID);
            s.execute("PRAGMA user_version = " + version);
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw new SQLException("the storage schema could not be brought to version " + version + ": "
                    + e.getMessage(), e);
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Splits a script into statements at the semicolons that end a line, keeping trigger bodies (whose inner
     * statements end with a semicolon too) whole until their {@code END;}.
     */
    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inTrigger = false;
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || trimmed.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.toUpperCase().startsWith("CREATE TRIGGER")) {
                inTrigger = true;
            }
            if (inTrigger ? trimmed.equalsIgnoreCase("END;") : trimmed.endsWith(";")) {
                out.add(current.toString().strip());
                current.setLength(0);
                inTrigger = false;
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }

    static int pragma(Connection c, String name) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + name)) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    private static boolean hasTables(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM sqlite_schema WHERE type = 'table'")) {
            return r.next() && r.getInt(1) > 0;
        }
    }
}
