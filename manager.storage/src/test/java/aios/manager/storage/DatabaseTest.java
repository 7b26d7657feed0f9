package aios.manager.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

class DatabaseTest {

    @TempDir
    Path dir;

    private static Object single(Database db, String sql) throws SQLException {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                return r.next() ? r.getObject(1) : null;
            }
        });
    }

    private static void raw(Path file, String... statements) throws SQLException {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    @Test
    void aNewDatabaseIsInWalModeWithFullSyncForeignKeysAndTheBundledSchemaVersion() throws Exception {
        Path file = dir.resolve("sub/storage.db");
        try (Database db = Database.open(file, 1000, 2)) {
            assertTrue(Files.exists(file));
            assertEquals("wal", single(db, "PRAGMA journal_mode"));
            assertEquals(2, single(db, "PRAGMA synchronous")); // 2 = FULL
            assertEquals(1, single(db, "PRAGMA foreign_keys"));
            assertEquals(Schema.bundled().version(), single(db, "PRAGMA user_version"));
            assertEquals(Schema.APPLICATION_ID, single(db, "PRAGMA application_id"));
            for (String table : List.of("agents", "task_history", "events", "context_snapshots", "notes",
                    "note_metadata", "notes_fts", "files", "file_versions", "files_fts")) {
                assertEquals(1, single(db, "SELECT count(*) FROM sqlite_schema WHERE name = '" + table + "'"), table);
            }
        }
        try (Database again = Database.open(file, 1000, 1)) { // reopening keeps everything
            assertEquals(Schema.bundled().version(), single(again, "PRAGMA user_version"));
        }
    }

    @Test
    void aDatabaseFromANewerVersionIsRefusedAndLeftAlone() throws Exception {
        Path file = dir.resolve("newer.db");
        Database.open(file, 1000, 1).close();
        raw(file, "PRAGMA user_version = 99");

        SQLException e = assertThrows(SQLException.class, () -> Database.open(file, 1000, 1));
        assertTrue(e.getMessage().contains("the storage database " + file.toAbsolutePath() + " has schema version 99, "
                + "newer than the " + Schema.bundled().version() + " this aios.manager.storage knows"), e.getMessage());
        assertTrue(e.getMessage().contains("set 'path' in the configuration aios.storage"), e.getMessage());
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            assertEquals(99, r.getInt(1));
        }
    }

    @Test
    void aForeignSqliteFileIsRefused() throws Exception {
        Path file = dir.resolve("foreign.db");
        raw(file, "CREATE TABLE mine (x INTEGER)");
        SQLException e = assertThrows(SQLException.class, () -> Database.open(file, 1000, 1));
        assertTrue(e.getMessage().contains("is an SQLite database but not an AIOS storage database"), e.getMessage());
    }

    @Test
    void migrationsBringAnOlderDatabaseUpStepByStep_andAFailedStepKeepsThePreviousVersion() throws Exception {
        Path file = dir.resolve("old.db");
        Schema v1 = new Schema("CREATE TABLE t (a INTEGER);", List.of());
        Database.open(file, 1000, 1, v1).close();

        Schema v3 = new Schema("CREATE TABLE t (a INTEGER, b TEXT, c TEXT);",
                List.of("ALTER TABLE t ADD COLUMN b TEXT;", "ALTER TABLE t ADD COLUMN c TEXT;"));
        try (Database db = Database.open(file, 1000, 1, v3)) {
            assertEquals(3, single(db, "PRAGMA user_version"));
            assertEquals(3, single(db, "SELECT count(*) FROM pragma_table_info('t')"));
        }

        Schema broken = new Schema("", List.of("x;", "y;", "CREATE TABLE u (x INTEGER);\nNOT SQL;"));
        SQLException e = assertThrows(SQLException.class, () -> Database.open(file, 1000, 1, broken));
        assertTrue(e.getMessage().contains("could not be brought to version 4"), e.getMessage());
        try (Database db = Database.open(file, 1000, 1, v3)) {
            assertEquals(3, single(db, "PRAGMA user_version"));
            assertEquals(0, single(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'u'"));
        }
    }

    @Test
    void scriptsSplitIntoStatementsKeepingTriggerBodiesWhole() {
        List<String> s = Schema.statements("""
                -- a comment
                CREATE TABLE a (x INTEGER);
                CREATE TRIGGER t AFTER INSERT ON a BEGIN
                    INSERT INTO a VALUES (1);
                    INSERT INTO a VALUES (2);
                END;
                CREATE INDEX i ON a(x);
                """);
        assertEquals(3, s.size());
        assertTrue(s.get(1).startsWith("CREATE TRIGGER") && s.get(1).endsWith("END;"), s.get(1));
    }
}
