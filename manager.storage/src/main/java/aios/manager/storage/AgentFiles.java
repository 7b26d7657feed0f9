package aios.manager.storage;

import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageOperation.CreateDir;
import aios.kernel.api.syscall.StorageOperation.CreateFile;
import aios.kernel.api.syscall.StorageOperation.Delete;
import aios.kernel.api.syscall.StorageOperation.Mount;
import aios.kernel.api.syscall.StorageOperation.Read;
import aios.kernel.api.syscall.StorageOperation.Retrieve;
import aios.kernel.api.syscall.StorageOperation.Rollback;
import aios.kernel.api.syscall.StorageOperation.Write;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;

/**
 * Agents' files in the storage database. Each agent has its own namespace (every row carries the agent's name, and
 * every statement filters by it), with a mount root below which its relative paths resolve. An absolute path
 * {@code /NAME/PATH} reaches namespace {@code NAME} instead — a shared area, or another agent's files — when the access
 * policy lets the agent (see {@link Target}). Every write and rollback adds a
 * version; nothing rewrites one. Each operation is one transaction: it happens entirely or not at all.
 */
@Component(service = {StorageManager.class, AgentFiles.class}, configurationPid = Database.PID)
public final class AgentFiles implements StorageManager {

    /** A version of a file, as {@code storage:versions} lists them. */
    record FileVersion(int version, long size, Instant written, boolean current) {
    }

    /** A directory entry, as {@code storage:ls} lists them; a directory has version 0, size 0 and no time. */
    record Listed(String name, boolean dir, int version, long size, Instant written) {
    }

    private record Entry(long id, boolean dir, int version) {
    }

    @Reference
    private Database db;
    private volatile long maxBytes;

    /** For DS. */
    public AgentFiles() {
    }

    AgentFiles(Database db, long maxBytes) {
        this.db = db;
        this.maxBytes = maxBytes;
    }

    @Activate
    @Modified
    void configure(StorageConfig config) {
        if (config.file_max_bytes() < 0) {
            throw new IllegalArgumentException("file.max.bytes=" + config.file_max_bytes() + " in " + Database.PID
                    + " is not accepted: use a number of bytes >= 0");
        }
        maxBytes = config.file_max_bytes();
    }

    @Override
    public StorageResult execute(StorageQuery query) throws SQLException {
        String agent = query.agent();
        StorageOperation op = query.operation();
        try {
            return switch (op) {
                case Mount m -> mount(agent, mountRoot(m.root()));
                case CreateDir c -> createDir(agent, Target.of(agent, c.path(), false));
                case CreateFile c -> createFile(agent, Target.of(agent, c.path(), false));
                case Write w -> write(agent, Target.of(agent, w.path(), false), w.content());
                case Read r -> read(agent, Target.of(agent, r.path(), false));
                case StorageOperation.List l -> list(agent, l.path() == null ? "" : l.path());
                case Delete d -> delete(agent, Target.of(agent, d.path(), false));
                case Rollback r -> rollback(agent, Target.of(agent, r.path(), false), r.n(), r.at());
                case Retrieve r -> retrieve(agent, FullTextQuery.of(r.query()), r.k());
            };
        } catch (SQLException e) {
            throw new SQLException("storage " + op.name() + " for agent '" + agent + "' failed in the database "
                    + db.file() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Where a path lands. A relative path is in the calling agent's own namespace, below its mount root. An absolute
     * path {@code /NAME/PATH} is in namespace {@code NAME} (another agent's files, or a shared area such as
     * {@code /shared}), from that namespace's top: reaching it is the access policy's decision, checked at submit
     * (without an access manager the kernel refuses absolute paths).
     *
     * @param namespace whose files: the {@code agent} column of the rows
     * @param path the path inside the namespace, relative to the mount root when not absolute
     * @param absolute whether the path named its namespace
     * @param given the path as the caller gave it, for messages
     */
    record Target(String namespace, String path, boolean absolute, String given) {

        private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
                "[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

        /** @throws IllegalArgumentException naming the path and what is wrong with it */
        static Target of(String agent, String path, boolean rootAllowed) {
            if (path == null || !path.startsWith("/")) {
                return new Target(agent, NamespacePath.check(path, rootAllowed), false, path == null ? "" : path);
            }
            int slash = path.indexOf('/', 1);
            String ns = slash < 0 ? path.substring(1) : path.substring(1, slash);
            if (!NAME.matcher(ns).matches()) {
                throw new IllegalArgumentException("path '" + path + "' is refused: an absolute path names a storage "
                        + "namespace first, /NAME/PATH, where NAME is an agent's name or a shared area such as shared; '"
                        + ns + "' is not such a name (relative paths are in the agent's own storage)");
            }
            String rest = slash < 0 ? "" : path.substring(slash + 1);
            if (rest.startsWith("/")) {
                throw new IllegalArgumentException("path '" + path + "' is refused: it has an empty segment (//)");
            }
            if (rest.isEmpty() && !rootAllowed) {
                throw new IllegalArgumentException("path '" + path + "' is refused: it names namespace '" + ns
                        + "' but no file in it: give /" + ns + "/PATH");
            }
            return new Target(ns, NamespacePath.check(rest, path, rootAllowed), true, path);
        }

        /** Where the files are, for messages. */
        String owner() {
            return absolute ? "namespace '" + namespace + "'" : "the storage of agent '" + namespace + "'";
        }
    }

    /** A mount root: relative, inside the agent's own namespace. */
    private static String mountRoot(String root) {
        if (root != null && root.startsWith("/")) {
            throw new IllegalArgumentException("cannot mount '" + root + "': mount takes a root inside the agent's own "
                    + "storage (a relative path); to work in another namespace, give its files as /NAME/PATH");
        }
        return NamespacePath.check(root, true);
    }

    /** The full path of {@code t} in its namespace: below the agent's mount root, or from the namespace's top. */
    private static String full(Connection c, Target t) throws SQLException {
        return NamespacePath.resolve(t.absolute() ? "" : mountOf(c, t.namespace()), t.path());
    }

    /** {@link #full} for a write: makes sure the namespace has its row first. */
    private static String fullForWrite(Connection c, Target t, long now) throws SQLException {
        String root = ensureAgent(c, t.namespace(), now);
        return NamespacePath.resolve(t.absolute() ? "" : root, t.path());
    }

    // ---------------------------------------------------------------- operations

    private StorageResult mount(String agent, String root) throws SQLException {
        return db.write(c -> {
            long now = Clock.micros();
            ensureAgent(c, agent, now);
            if (!root.isEmpty()) {
                mkdirs(c, agent, root, root, now);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE agents SET mount = ? WHERE name = ?")) {
                s.setString(1, root);
                s.setString(2, agent);
                s.executeUpdate();
            }
            return done("storage of agent '" + agent + "' mounted at '" + root + "'", 0);
        });
    }

    private StorageResult createDir(String agent, Target t) throws SQLException {
        String path = t.given();
        String ns = t.namespace();
        return db.write(c -> {
            long now = Clock.micros();
            String full = fullForWrite(c, t, now);
            Entry e = entry(c, ns, full);
            if (e != null) {
                if (!e.dir()) {
                    throw new IllegalArgumentException("cannot create directory '" + path + "': it is a file");
                }
                return done("directory '" + path + "' already exists", 0);
            }
            mkdirs(c, ns, full, path, now);
            return done("created directory '" + path + "'", 0);
        });
    }

    private StorageResult createFile(String agent, Target t) throws SQLException {
        String path = t.given();
        String ns = t.namespace();
        return db.write(c -> {
            long now = Clock.micros();
            String full = fullForWrite(c, t, now);
            Entry e = entry(c, ns, full);
            if (e != null) {
                if (e.dir()) {
                    throw new IllegalArgumentException("cannot create file '" + path + "': it is a directory");
                }
                return done("file '" + path + "' already exists (version " + e.version() + ")", e.version());
            }
            mkdirs(c, ns, NamespacePath.parent(full), path, now);
            long id = insertFile(c, ns, full, now);
            addVersion(c, id, 1, "", now);
            return done("created file '" + path + "'", 1);
        });
    }

    private StorageResult write(String agent, Target t, String content) throws SQLException {
        String path = t.given();
        String ns = t.namespace();
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException("cannot write '" + path + "': " + bytes.length + " bytes is more than "
                    + "the limit of " + maxBytes + " (file.max.bytes in " + Database.PID + "); nothing was written");
        }
        return db.write(c -> {
            long now = Clock.micros();
            String full = fullForWrite(c, t, now);
            Entry e = entry(c, ns, full);
            if (e != null && e.dir()) {
                throw new IllegalArgumentException("cannot write '" + path + "': it is a directory");
            }
            long id;
            int version;
            if (e == null) {
                mkdirs(c, ns, NamespacePath.parent(full), path, now);
                id = insertFile(c, ns, full, now);
                version = 1;
            } else {
                id = e.id();
                version = e.version() + 1;
            }
            addVersion(c, id, version, content, now);
            return done("wrote " + bytes.length + " bytes to '" + path + "' (version " + version + ")", version);
        });
    }

    private StorageResult read(String agent, Target t) throws SQLException {
        String path = t.given();
        return db.read(c -> {
            Entry e = file(c, t, full(c, t), "read");
            return new StorageResult("read '" + path + "' (version " + e.version() + ")",
                    content(c, e.id(), e.version()), List.of(), List.of(), e.version());
        });
    }

    private StorageResult list(String agent, String path) throws SQLException {
        List<String> entries = listing(agent, path).stream().map(e -> e.name() + (e.dir() ? "/" : "")).toList();
        return new StorageResult(entries.size() + " entries in '" + path + "'", null, entries, List.of(), 0);
    }

    /**
     * The entries of a directory (by the path the agent sees; "" for its root; /NAME/PATH in namespace NAME), in name
     * order.
     */
    List<Listed> listing(String agent, String path) throws SQLException {
        Target t = Target.of(agent, path, true);
        String checked = t.given();
        String ns = t.namespace();
        return db.read(c -> {
            String full = full(c, t);
            if (!full.isEmpty()) {
                Entry e = entry(c, ns, full);
                if (e == null) {
                    throw new IllegalArgumentException("cannot list '" + checked + "': there is no such directory in "
                            + t.owner());
                }
                if (!e.dir()) {
                    throw new IllegalArgumentException("cannot list '" + checked + "': it is a file (read it)");
                }
            }
            List<Listed> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT f.path, f.is_dir, f.version, v.size, v.written_us "
                    + "FROM files f LEFT JOIN file_versions v ON v.file = f.id AND v.version = f.version "
                    + "WHERE f.agent = ? AND f.parent = ? ORDER BY f.path")) {
                s.setString(1, ns);
                s.setString(2, full);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        String p = r.getString(1);
                        boolean dir = r.getInt(2) == 1;
                        out.add(new Listed(p.substring(p.lastIndexOf('/') + 1), dir, r.getInt(3), r.getLong(4),
                                dir ? null : Clock.instant(r.getLong(5))));
                    }
                }
            }
            return out;
        });
    }

    private StorageResult delete(String agent, Target t) throws SQLException {
        String path = t.given();
        String ns = t.namespace();
        return db.write(c -> {
            String full = fullForWrite(c, t, Clock.micros());
            Entry e = entry(c, ns, full);
            if (e == null) {
                throw new IllegalArgumentException("cannot delete '" + path + "': there is no such file or directory "
                        + "in " + t.owner());
            }
            // the entry and everything below it: paths from "p/" up to (not including) "p0", '0' following '/'
            String where = "agent = ? AND (path = ? OR (path > ? AND path < ?))";
            try (PreparedStatement fts = c.prepareStatement(
                    "DELETE FROM files_fts WHERE rowid IN (SELECT id FROM files WHERE " + where + ")");
                 PreparedStatement rows = c.prepareStatement("DELETE FROM files WHERE " + where)) {
                for (PreparedStatement s : List.of(fts, rows)) {
                    s.setString(1, ns);
                    s.setString(2, full);
                    s.setString(3, full + "/");
                    s.setString(4, full + "0");
                }
                fts.executeUpdate();
                int n = rows.executeUpdate();
                return done("deleted '" + path + "'" + (e.dir() ? " and the " + (n - 1) + " entries below it" : "")
                        + " with every version", 0);
            }
        });
    }

    private StorageResult rollback(String agent, Target t, int n, Instant at) throws SQLException {
        String path = t.given();
        return db.write(c -> {
            long now = Clock.micros();
            Entry e = file(c, t, fullForWrite(c, t, now), "roll back");
            int target;
            if (at != null) {
                target = versionAt(c, e.id(), Clock.micros(at));
                if (target == 0) {
                    throw new IllegalArgumentException("cannot roll back '" + path + "' to " + at + ": the file did "
                            + "not exist yet then (storage:versions lists its versions and their times)");
                }
            } else {
                target = e.version() - n;
                if (target < 1) {
                    throw new IllegalArgumentException("cannot roll back '" + path + "' by " + n + " versions: it has "
                            + e.version() + (e.version() == 1 ? " version" : " versions") + ", so go back at most "
                            + (e.version() - 1));
                }
            }
            if (target == e.version()) {
                return done("'" + path + "' is already at version " + target + "; nothing changed", target);
            }
            int version = e.version() + 1;
            addVersion(c, e.id(), version, content(c, e.id(), target), now);
            return done("rolled '" + path + "' back to the content of version " + target + " (now version " + version
                    + ")", version);
        });
    }

    private StorageResult retrieve(String agent, String match, int k) throws SQLException {
        return db.read(c -> {
            String root = mountOf(c, agent);
            List<String> hits = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT f.path FROM files_fts JOIN files f ON f.id = "
                    + "files_fts.rowid WHERE files_fts MATCH ? AND f.agent = ? AND (? = '' OR f.path > ? AND f.path < ?)"
                    + " ORDER BY bm25(files_fts), f.path LIMIT ?")) {
                s.setString(1, match);
                s.setString(2, agent);
                s.setString(3, root);
                s.setString(4, root + "/");
                s.setString(5, root + "0");
                s.setInt(6, k);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        hits.add(NamespacePath.relative(root, r.getString(1)));
                    }
                }
            }
            return new StorageResult(hits.size() + " files match", null, List.of(), hits, 0);
        });
    }

    /** The versions of a file (by the path the agent sees, or /NAME/PATH), oldest first. */
    List<FileVersion> versions(String agent, String path) throws SQLException {
        Target t = Target.of(agent, path, false);
        return db.read(c -> {
            Entry e = file(c, t, full(c, t), "list versions of");
            List<FileVersion> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT version, size, written_us FROM file_versions WHERE file = ? ORDER BY version")) {
                s.setLong(1, e.id());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        out.add(new FileVersion(r.getInt(1), r.getLong(2), Clock.instant(r.getLong(3)),
                                r.getInt(1) == e.version()));
                    }
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- rows

    private static StorageResult done(String message, int version) {
        return new StorageResult(message, null, List.of(), List.of(), version);
    }

    /** Makes sure the agent has a row; returns its mount root. */
    private static String ensureAgent(Connection c, String agent, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO agents(name, first_seen_us, last_seen_us) "
                + "VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING")) {
            s.setString(1, agent);
            s.setLong(2, now);
            s.setLong(3, now);
            s.executeUpdate();
        }
        return mountOf(c, agent);
    }

    private static String mountOf(Connection c, String agent) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT mount FROM agents WHERE name = ?")) {
            s.setString(1, agent);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : "";
            }
        }
    }

    private static Entry entry(Connection c, String agent, String full) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, is_dir, version FROM files WHERE agent = ? AND path = ?")) {
            s.setString(1, agent);
            s.setString(2, full);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new Entry(r.getLong(1), r.getInt(2) == 1, r.getInt(3)) : null;
            }
        }
    }

    /** The file at {@code full} in {@code t}'s namespace, or an error for {@code what} naming the path given. */
    private static Entry file(Connection c, Target t, String full, String what) throws SQLException {
        Entry e = entry(c, t.namespace(), full);
        if (e == null) {
            throw new IllegalArgumentException("cannot " + what + " '" + t.given() + "': there is no such file in "
                    + t.owner());
        }
        if (e.dir()) {
            throw new IllegalArgumentException("cannot " + what + " '" + t.given() + "': it is a directory (list it)");
        }
        return e;
    }

    /** Creates {@code full} and its missing ancestors as directories; a file in the way is an error about {@code path}. */
    private static void mkdirs(Connection c, String agent, String full, String path, long now) throws SQLException {
        if (full.isEmpty()) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String p = full; !p.isEmpty(); p = NamespacePath.parent(p)) {
            Entry e = entry(c, agent, p);
            if (e != null) {
                if (!e.dir()) {
                    throw new IllegalArgumentException("cannot use '" + path + "': '" + p + "' in the storage of agent '"
                            + agent + "' is a file, not a directory");
                }
                break;
            }
            missing.add(p);
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO files(agent, path, parent, is_dir, version, "
                + "created_us) VALUES (?, ?, ?, 1, 0, ?)")) {
            for (int i = missing.size() - 1; i >= 0; i--) {
                s.setString(1, agent);
                s.setString(2, missing.get(i));
                s.setString(3, NamespacePath.parent(missing.get(i)));
                s.setLong(4, now);
                s.executeUpdate();
            }
        }
    }

    private static long insertFile(Connection c, String agent, String full, long now) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO files(agent, path, parent, is_dir, version, "
                + "created_us) VALUES (?, ?, ?, 0, 0, ?) RETURNING id")) {
            s.setString(1, agent);
            s.setString(2, full);
            s.setString(3, NamespacePath.parent(full));
            s.setLong(4, now);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }

    /** Adds version {@code version} with {@code content}, makes it current, and indexes it for retrieve. */
    private static void addVersion(Connection c, long id, int version, String content, long now) throws SQLException {
        try (PreparedStatement v = c.prepareStatement("INSERT INTO file_versions(file, version, content, size, "
                + "written_us) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement f = c.prepareStatement("UPDATE files SET version = ? WHERE id = ?");
             PreparedStatement unindex = c.prepareStatement("DELETE FROM files_fts WHERE rowid = ?");
             PreparedStatement index = c.prepareStatement("INSERT INTO files_fts(rowid, content) VALUES (?, ?)")) {
            v.setLong(1, id);
            v.setInt(2, version);
            v.setString(3, content);
            v.setLong(4, content.getBytes(StandardCharsets.UTF_8).length);
            v.setLong(5, now);
            v.executeUpdate();
            f.setInt(1, version);
            f.setLong(2, id);
            f.executeUpdate();
            unindex.setLong(1, id);
            unindex.executeUpdate();
            index.setLong(1, id);
            index.setString(2, content);
            index.executeUpdate();
        }
    }

    private static String content(Connection c, long id, int version) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT content FROM file_versions WHERE file = ? AND version = ?")) {
            s.setLong(1, id);
            s.setInt(2, version);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("version " + version + " of file " + id + " is missing");
                }
                return r.getString(1);
            }
        }
    }

    /** The version current at {@code micros}: the last one written no later; 0 if none. */
    private static int versionAt(Connection c, long id, long micros) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM file_versions WHERE file = ? AND "
                + "written_us <= ? ORDER BY written_us DESC, version DESC LIMIT 1")) {
            s.setLong(1, id);
            s.setLong(2, micros);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        }
    }
}
