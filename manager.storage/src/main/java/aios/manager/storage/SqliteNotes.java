package aios.manager.storage;

import aios.kernel.api.storage.NoteStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Memory notes in the storage database, with an FTS5 index kept in step by triggers and metadata in its own table
 * (so a filter is an indexed look-up, not a parse of every note). Every change is one committed transaction, on
 * disk when the method returns. A database error is an {@link IllegalStateException} naming the operation, the
 * agent and the database file.
 */
@Component(service = NoteStore.class)
public final class SqliteNotes implements NoteStore {

    private static final String COLUMNS = "n.row_id, n.agent, n.id, n.content, n.created_us, n.updated_us";

    @Reference
    private Database db;

    /** For DS. */
    public SqliteNotes() {
    }

    SqliteNotes(Database db) {
        this.db = db;
    }

    @Override
    public void put(Note note) {
        if (note == null) {
            throw new IllegalArgumentException("note is null: pass the note to store");
        }
        requireAgent(note.agent());
        if (note.id() == null || note.id().isEmpty()) {
            throw new IllegalArgumentException("a note of agent '" + note.agent() + "' has no id: give it one");
        }
        if (note.content() == null) {
            throw new IllegalArgumentException("note '" + note.id() + "' of agent '" + note.agent() + "' has no "
                    + "content: store an empty string for an empty note");
        }
        long now = Clock.micros();
        long created = note.created() == null ? now : Clock.micros(note.created());
        long updated = note.updated() == null ? now : Clock.micros(note.updated());
        db.onBehalfOf(note.agent(), "put note '" + note.id() + "'", () -> db.write(c -> {
            long row;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO notes(agent, id, content, created_us, "
                    + "updated_us) VALUES (?, ?, ?, ?, ?) ON CONFLICT(agent, id) DO UPDATE SET content = "
                    + "excluded.content, created_us = excluded.created_us, updated_us = excluded.updated_us "
                    + "RETURNING row_id")) {
                s.setString(1, note.agent());
                s.setString(2, note.id());
                s.setString(3, note.content());
                s.setLong(4, created);
                s.setLong(5, updated);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    row = r.getLong(1);
                }
            }
            try (PreparedStatement clear = c.prepareStatement("DELETE FROM note_metadata WHERE note = ?");
                 PreparedStatement add = c.prepareStatement(
                         "INSERT INTO note_metadata(note, key, value) VALUES (?, ?, ?)")) {
                clear.setLong(1, row);
                clear.executeUpdate();
                for (Map.Entry<String, String> e : note.metadata().entrySet()) {
                    add.setLong(1, row);
                    add.setString(2, e.getKey());
                    add.setString(3, e.getValue());
                    add.addBatch();
                }
                add.executeBatch();
            }
            return null;
        }));
    }

    @Override
    public Optional<Note> get(String agent, String id) {
        requireAgent(agent);
        return db.onBehalfOf(agent, "get note '" + id + "'", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM notes n WHERE n.agent = ? "
                    + "AND n.id = ?")) {
                s.setString(1, agent);
                s.setString(2, id);
                List<Note> found = notes(c, s, false).stream().map(Found::note).toList();
                return found.stream().findFirst();
            }
        }));
    }

    @Override
    public boolean remove(String agent, String id) {
        requireAgent(agent);
        return db.onBehalfOf(agent, "remove note '" + id + "'", () -> db.write(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM notes WHERE agent = ? AND id = ?")) {
                s.setString(1, agent);
                s.setString(2, id);
                return s.executeUpdate() > 0;
            }
        }));
    }

    @Override
    public int removeAll(String agent) {
        requireAgent(agent);
        return db.onBehalfOf(agent, "remove all notes", () -> db.write(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM notes WHERE agent = ?")) {
                s.setString(1, agent);
                return s.executeUpdate();
            }
        }));
    }

    @Override
    public List<Found> search(String agent, String text, Map<String, String> filter, int k) {
        requireAgent(agent);
        if (k < 1) {
            throw new IllegalArgumentException("k " + k + " must be at least 1 (the number of notes to return)");
        }
        String match = FullTextQuery.of(text);
        Map<String, String> wanted = filter == null ? Map.of() : new TreeMap<>(filter);
        // the agent's key in the query: the index matches and ranks only its notes (bm25 weighs the key 0)
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + ", bm25(notes_fts, 1.0, 0.0) FROM notes_fts JOIN "
                + "notes n ON n.row_id = notes_fts.rowid WHERE notes_fts MATCH 'agent_key : \"a' || hex(?) || '\" AND "
                + "content : (' || ? || ')' AND n.agent = ?");
        for (int i = 0; i < wanted.size(); i++) {
            sql.append(" AND EXISTS (SELECT 1 FROM note_metadata m WHERE m.note = n.row_id AND m.key = ? AND "
                    + "m.value = ?)");
        }
        sql.append(" ORDER BY bm25(notes_fts, 1.0, 0.0), n.updated_us DESC LIMIT ?");
        return db.onBehalfOf(agent, "search notes", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int i = 1;
                s.setString(i++, agent);
                s.setString(i++, match);
                s.setString(i++, agent);
                for (Map.Entry<String, String> e : wanted.entrySet()) {
                    s.setString(i++, e.getKey());
                    s.setString(i++, e.getValue());
                }
                s.setInt(i, k);
                return notes(c, s, true);
            }
        }));
    }

    @Override
    public List<Note> list(String agent, int limit) {
        requireAgent(agent);
        if (limit < 0) {
            throw new IllegalArgumentException("limit " + limit + " must be at least 0");
        }
        return db.onBehalfOf(agent, "list notes", () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM notes n WHERE n.agent = ? "
                    + "ORDER BY n.updated_us DESC, n.row_id DESC LIMIT ?")) {
                s.setString(1, agent);
                s.setInt(2, limit);
                return notes(c, s, false).stream().map(Found::note).toList();
            }
        }));
    }

    private record Row(long row, String agent, String id, String content, long created, long updated, double rank) {
    }

    /** The notes a query selects ({@link #COLUMNS}, then the bm25 score when {@code ranked}), with their metadata. */
    private static List<Found> notes(Connection c, PreparedStatement s, boolean ranked) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                // bm25 is smaller for better matches; the NoteStore's rank is higher for better ones
                rows.add(new Row(r.getLong(1), r.getString(2), r.getString(3), r.getString(4), r.getLong(5),
                        r.getLong(6), ranked ? -r.getDouble(7) : 0.0));
            }
        }
        List<Found> out = new ArrayList<>(rows.size());
        try (PreparedStatement m = c.prepareStatement("SELECT key, value FROM note_metadata WHERE note = ?")) {
            for (Row row : rows) {
                Map<String, String> metadata = new TreeMap<>();
                m.setLong(1, row.row());
                try (ResultSet r = m.executeQuery()) {
                    while (r.next()) {
                        metadata.put(r.getString(1), r.getString(2));
                    }
                }
                out.add(new Found(new Note(row.agent(), row.id(), row.content(), metadata, Clock.instant(row.created()),
                        Clock.instant(row.updated())), row.rank()));
            }
        }
        return out;
    }

    private static void requireAgent(String agent) {
        if (agent == null || agent.isBlank()) {
            throw new IllegalArgumentException("agent name is missing: notes belong to an agent");
        }
    }
}
