package aios.manager.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.storage.NoteStore.Found;
import aios.kernel.api.storage.NoteStore.Note;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteNotesTest {

    @TempDir
    Path dir;
    private Database db;
    private SqliteNotes notes;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir.resolve("storage.db"), 1000, 2);
        notes = new SqliteNotes(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Note note(String agent, String id, String content, Map<String, String> metadata, long second) {
        Instant t = Instant.parse("2026-11-24T20:00:00Z").plusSeconds(second);
        return new Note(agent, id, content, metadata, t, t);
    }

    private List<String> ids(List<Found> found) {
        return found.stream().map(f -> f.note().id()).toList();
    }

    @Test
    void putGetReplaceAndRemove() {
        Note n = note("alice", "n1", "the meeting is on Tuesday", Map.of("topic", "work"), 0);
        notes.put(n);
        assertEquals(n, notes.get("alice", "n1").orElseThrow());
        assertTrue(notes.get("bob", "n1").isEmpty());

        Note changed = note("alice", "n1", "the meeting moved to Friday", Map.of("topic", "work", "urgent", "yes"), 5);
        notes.put(changed);
        assertEquals(changed, notes.get("alice", "n1").orElseThrow());
        assertEquals(List.of("n1"), ids(notes.search("alice", "friday", Map.of(), 5)));
        assertEquals(List.of(), notes.search("alice", "tuesday", Map.of(), 5)); // the index follows the content

        assertTrue(notes.remove("alice", "n1"));
        assertFalse(notes.remove("alice", "n1"));
        assertTrue(notes.get("alice", "n1").isEmpty());
        assertEquals(List.of(), notes.search("alice", "friday", Map.of(), 5));
    }

    @Test
    void timesSurviveToTheMicrosecond() {
        Instant t = Instant.parse("2026-11-24T20:00:00.123456Z");
        notes.put(new Note("alice", "t", "x", Map.of(), t, t.plus(1, ChronoUnit.MICROS)));
        Note back = notes.get("alice", "t").orElseThrow();
        assertEquals(t, back.created());
        assertEquals(t.plus(1, ChronoUnit.MICROS), back.updated());
    }

    @Test
    void searchRanksByBm25_filtersByMetadata_andStaysWithinTheAgent() {
        notes.put(note("alice", "a", "apples apples apples", Map.of("kind", "fruit"), 0));
        notes.put(note("alice", "b", "an apple a day keeps the doctor away, said the old book of sayings", Map.of("kind", "saying"), 1));
        notes.put(note("alice", "c", "pears", Map.of("kind", "fruit"), 2));
        notes.put(note("bob", "d", "apples", Map.of("kind", "fruit"), 3));

        List<Found> found = notes.search("alice", "apple", Map.of(), 10);
        assertEquals(List.of("a", "b"), ids(found));
        assertTrue(found.get(0).rank() > found.get(1).rank(), "higher rank is better: " + found);
        assertEquals(List.of("a"), ids(notes.search("alice", "apple", Map.of("kind", "fruit"), 10)));
        assertEquals(List.of(), ids(notes.search("alice", "apple", Map.of("kind", "fruit", "x", "y"), 10)));
        assertEquals(List.of("a"), ids(notes.search("alice", "apple", Map.of(), 1)));
        // words are alternatives: a note with any of them is found
        assertEquals(java.util.Set.of("a", "c"), java.util.Set.copyOf(
                ids(notes.search("alice", "apples pears", Map.of("kind", "fruit"), 10))));
    }

    @Test
    void searchTextIsNeverFtsSyntax() {
        notes.put(note("alice", "q", "he said \"hello\" (twice) and NEAR the end: done", Map.of(), 0));
        for (String text : List.of("\"hello", "(twice", "NEAR(", "end:", "content:hello", "hello*", "AND", "-done",
                "^done")) {
            assertEquals(List.of("q"), ids(notes.search("alice", text, Map.of(), 5)), text);
        }
        for (String nothing : List.of("", "  ", "\"()*:^-", "…")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> notes.search("alice", nothing, Map.of(), 5));
            assertTrue(e.getMessage().contains("has nothing to search for"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> notes.search("alice", "x", Map.of(), 0));
    }

    @Test
    void listIsNewestFirst_andRemoveAllTouchesOnlyThatAgent() {
        for (int i = 0; i < 5; i++) {
            notes.put(note("alice", "n" + i, "note " + i, Map.of("i", "" + i), i));
        }
        notes.put(note("bob", "b", "bob's", Map.of(), 9));
        assertEquals(List.of("n4", "n3", "n2"), notes.list("alice", 3).stream().map(Note::id).toList());
        assertEquals(Map.of("i", "4"), notes.list("alice", 1).get(0).metadata());

        assertEquals(5, notes.removeAll("alice"));
        assertEquals(List.of(), notes.list("alice", 10));
        assertEquals(List.of(), notes.search("alice", "note", Map.of(), 10));
        assertEquals(1, notes.list("bob", 10).size());
    }

    @Test
    void aNoteIsDurableOnReturn_aReopenedDatabaseHasIt() throws Exception {
        notes.put(note("alice", "d", "durable", Map.of("k", "v"), 0));
        db.close();
        try (Database again = Database.open(dir.resolve("storage.db"), 1000, 1)) {
            assertEquals("durable", new SqliteNotes(again).get("alice", "d").orElseThrow().content());
        }
        db = Database.open(dir.resolve("storage.db"), 1000, 1);
    }

    @Test
    void badNotesAreRefusedWithAReason() {
        assertEquals("a note of agent 'alice' has no id: give it one", assertThrows(IllegalArgumentException.class,
                () -> notes.put(new Note("alice", "", "x", Map.of(), null, null))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> notes.put(new Note(" ", "i", "x", Map.of(), null, null)));
    }

    @Test
    void aDatabaseOfSchema1IsMigrated_andItsNotesAreFoundByTheirAgentOnly() throws Exception {
        Path file = dir.resolve("old.db");
        String v1;
        try (var in = SqliteNotesTest.class.getResourceAsStream("schema-1.sql")) {
            v1 = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        try (Database old = Database.open(file, 1000, 1, new Schema(v1, List.of()))) {
            SqliteNotes notes1 = new SqliteNotes(old);
            notes1.put(note("alice", "a1", "the garden gate is green", Map.of(), 0));
            notes1.put(note("bob", "b1", "the garden gate is broken", Map.of(), 1));
        }
        try (Database migrated = Database.open(file, 1000, 1)) {
            assertEquals(Schema.bundled().version(), (int) migrated.read(c -> Schema.pragma(c, "user_version")));
            SqliteNotes after = new SqliteNotes(migrated);
            assertEquals(List.of("a1"), ids(after.search("alice", "garden gate", null, 10)));
            assertEquals(List.of("b1"), ids(after.search("bob", "garden gate", null, 10)));
            after.put(note("alice", "a2", "a green garden", Map.of(), 2));
            assertEquals(List.of("a2", "a1"), ids(after.search("alice", "green garden", null, 10)));
        }
    }
}
