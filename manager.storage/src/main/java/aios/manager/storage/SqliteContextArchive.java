package aios.manager.storage;

import aios.kernel.api.context.ContextSnapshot;
import aios.kernel.api.storage.ContextArchive;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Context snapshots in the storage database's {@code context_snapshots} table, one row each, the bytes as a BLOB.
 * A save is one committed transaction: the agent's row (the snapshot refers to it), then the snapshot under the
 * agent's next number, taken inside the same transaction so that two saves never get the same one. A database error
 * is an {@link IllegalStateException} naming the agent and the database file.
 */
@Component(service = ContextArchive.class)
public final class SqliteContextArchive implements ContextArchive {

    @Reference
    private Database db;

    /** For DS. */
    public SqliteContextArchive() {
    }

    SqliteContextArchive(Database db) {
        this.db = db;
    }

    @Override
    public ContextSnapshot save(String agent, Instant created, int messages, int generations, byte[] data) {
        check(agent, created, messages, generations, data);
        return db.onBehalfOf(agent, "save a context snapshot", () -> db.write(c -> {
            long id;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT coalesce(max(snapshot), 0) + 1 FROM context_snapshots WHERE agent = ?")) {
                s.setString(1, agent);
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    id = r.getLong(1);
                }
            }
            ContextSnapshot saved = new ContextSnapshot(agent, id, created, data.length, messages, generations);
            insert(c, saved, data);
            return saved;
        }));
    }

    @Override
    public boolean put(ContextSnapshot snapshot, byte[] data) {
        if (snapshot == null) {
            throw new IllegalArgumentException("snapshot is null: pass the snapshot to store");
        }
        check(snapshot.agent(), snapshot.created(), snapshot.messages(), snapshot.generations(), data);
        if (snapshot.id() < 1) {
            throw new IllegalArgumentException("snapshot " + snapshot.id() + " of agent '" + snapshot.agent()
                    + "' has no valid number: snapshots are numbered from 1");
        }
        return db.onBehalfOf(snapshot.agent(), "store context snapshot " + snapshot.id(), () -> db.write(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM context_snapshots WHERE agent = ? AND snapshot = ?")) {
                s.setString(1, snapshot.agent());
                s.setLong(2, snapshot.id());
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        return false;
                    }
                }
            }
            insert(c, new ContextSnapshot(snapshot.agent(), snapshot.id(), snapshot.created(), data.length,
                    snapshot.messages(), snapshot.generations()), data);
            return true;
        }));
    }

    @Override
    public List<ContextSnapshot> list(String agent) {
        requireAgent(agent);
        return db.onBehalfOf(agent, "list the context snapshots", () -> db.read(c -> {
            // length() of a BLOB is read from the record's header, without reading the bytes
            try (PreparedStatement s = c.prepareStatement("SELECT snapshot, taken_us, length(data), messages, "
                    + "generations FROM context_snapshots WHERE agent = ? ORDER BY snapshot")) {
                s.setString(1, agent);
                List<ContextSnapshot> out = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new ContextSnapshot(agent, r.getLong(1), Clock.instant(r.getLong(2)), r.getLong(3),
                                r.getInt(4), r.getInt(5)));
                    }
                }
                return List.copyOf(out);
            }
        }));
    }

    @Override
    public Optional<byte[]> read(String agent, long id) {
        requireAgent(agent);
        return db.onBehalfOf(agent, "read context snapshot " + id, () -> db.read(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT data FROM context_snapshots WHERE agent = ? AND snapshot = ?")) {
                s.setString(1, agent);
                s.setLong(2, id);
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? Optional.of(r.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        }));
    }

    private static void insert(Connection c, ContextSnapshot s, byte[] data) throws SQLException {
        long taken = Clock.micros(s.created());
        try (PreparedStatement a = c.prepareStatement("INSERT INTO agents(name, first_seen_us, last_seen_us) "
                + "VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING")) {
            a.setString(1, s.agent());
            a.setLong(2, taken);
            a.setLong(3, taken);
            a.executeUpdate();
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO context_snapshots(agent, snapshot, taken_us, "
                + "messages, generations, data) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setString(1, s.agent());
            p.setLong(2, s.id());
            p.setLong(3, taken);
            p.setInt(4, s.messages());
            p.setInt(5, s.generations());
            p.setBytes(6, data);
            p.executeUpdate();
        }
    }

    private static void check(String agent, Instant created, int messages, int generations, byte[] data) {
        requireAgent(agent);
        if (created == null || data == null) {
            throw new IllegalArgumentException("a context snapshot of agent '" + agent + "' needs its time and its "
                    + "bytes");
        }
        if (messages < 0 || generations < 0) {
            throw new IllegalArgumentException("a context snapshot of agent '" + agent + "' cannot hold " + messages
                    + " messages and " + generations + " generations");
        }
    }

    private static void requireAgent(String agent) {
        if (agent == null || agent.isBlank()) {
            throw new IllegalArgumentException("agent name is missing: context snapshots belong to an agent");
        }
    }
}
