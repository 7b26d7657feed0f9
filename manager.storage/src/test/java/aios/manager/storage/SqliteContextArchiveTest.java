package aios.manager.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.context.ContextSnapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteContextArchiveTest {

    @TempDir
    Path dir;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void snapshotsAreNumberedPerAgent_andReadBackExactlyAfterReopening() throws Exception {
        Instant t = Instant.parse("2026-11-25T01:00:00Z");
        byte[] first = bytes(46_321, 1);
        byte[] second = bytes(600_000, 2); // larger than a page many times over
        Database db = Database.open(dir.resolve("storage.db"), 1000, 2);
        try {
            SqliteContextArchive archive = new SqliteContextArchive(db);
            assertEquals(new ContextSnapshot("alice", 1, t, first.length, 3, 2), archive.save("alice", t, 3, 2, first));
            assertEquals(1, archive.save("bob", t, 1, 0, second).id(), "numbers are per agent");
            assertEquals(2, archive.save("alice", t.plusSeconds(1), 4, 0, second).id());
        } finally {
            db.close();
        }

        Database again = Database.open(dir.resolve("storage.db"), 1000, 2);
        try {
            SqliteContextArchive archive = new SqliteContextArchive(again);
            List<ContextSnapshot> alice = archive.list("alice");
            assertEquals(List.of(new ContextSnapshot("alice", 1, t, first.length, 3, 2),
                    new ContextSnapshot("alice", 2, t.plusSeconds(1), second.length, 4, 0)), alice);
            assertArrayEquals(first, archive.read("alice", 1).orElseThrow());
            assertArrayEquals(second, archive.read("alice", 2).orElseThrow());
            assertEquals(Optional.empty(), archive.read("alice", 3));
            assertEquals(Optional.empty(), archive.read("carol", 1));
            assertEquals(List.of(), archive.list("carol"));
        } finally {
            again.close();
        }
    }

    @Test
    void putKeepsTheNumber_andNeverReplacesASnapshot() throws Exception {
        Instant t = Instant.parse("2026-11-25T01:00:00Z");
        Database db = Database.open(dir.resolve("storage.db"), 1000, 2);
        try {
            SqliteContextArchive archive = new SqliteContextArchive(db);
            assertTrue(archive.put(new ContextSnapshot("alice", 7, t, 0, 1, 0), bytes(10, 3)));
            assertFalse(archive.put(new ContextSnapshot("alice", 7, t, 0, 1, 0), bytes(10, 4)));
            assertArrayEquals(bytes(10, 3), archive.read("alice", 7).orElseThrow(), "the first one stays");
            assertEquals(8, archive.save("alice", t, 1, 0, bytes(5, 5)).id(), "the next number follows the highest");
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                    () -> archive.put(new ContextSnapshot("alice", 0, t, 0, 1, 0), bytes(1, 6)));
            assertTrue(zero.getMessage().contains("numbered from 1"), zero.getMessage());
            IllegalArgumentException noAgent = assertThrows(IllegalArgumentException.class,
                    () -> archive.save(" ", t, 1, 0, bytes(1, 7)));
            assertTrue(noAgent.getMessage().contains("agent name is missing"), noAgent.getMessage());
            assertEquals(2, archive.list("alice").size(), "nothing stored by the refused calls");
        } finally {
            db.close();
        }
    }
}
