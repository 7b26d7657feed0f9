package aios.manager.context;

import aios.kernel.api.context.ContextSnapshot;
import aios.kernel.api.context.ResourceLimits;
import aios.kernel.api.storage.ContextArchive;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the context manager keeps snapshots and agents' own limits. Snapshots go to the storage manager's {@link
 * ContextArchive} while one is installed, and otherwise to files: {@code <directory>/<agent>/<id>.ctx}, numbered
 * from 1. When an archive appears, the snapshot files move into it (keeping their numbers; one whose number the
 * archive already has gets the next free one) and are deleted once stored. Limits are kept in
 * {@code <directory>/limits.properties}. Each file is written to a temporary name, forced to disk and renamed, so a
 * crash leaves the old file or the new one, never half of one.
 *
 * <p>Thread-safe: writes are serialised; listings are cached per agent.
 */
final class SnapshotStore {

    private static final Pattern AGENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern FILE = Pattern.compile("(\\d{1,18})\\.ctx");
    private static final String LIMITS = "limits.properties";

    record Loaded(ContextSnapshot info, SnapshotFile file) {
    }

    private final Path directory;
    private final ConcurrentHashMap<String, List<ContextSnapshot>> listings = new ConcurrentHashMap<>();
    private volatile Map<String, ResourceLimits> limits;
    private volatile ContextArchive archive;

    SnapshotStore(Path directory) throws IOException {
        this.directory = directory.toAbsolutePath().normalize();
        this.limits = readLimits();
    }

    Path directory() {
        return directory;
    }

    /** Where snapshots are kept now, for messages. */
    String where() {
        return archive != null ? "the storage manager's database" : directory.toString();
    }

    /**
     * Keeps snapshots in {@code to} from now on ({@code null}: in files again), moving the snapshot files into it.
     *
     * @return what could not be moved, one line per file (it stays a file, and is listed only while no archive is
     *     installed)
     */
    synchronized List<String> useArchive(ContextArchive to) {
        archive = to;
        listings.clear();
        List<String> problems = new ArrayList<>();
        if (to == null || !Files.isDirectory(directory)) {
            return problems;
        }
        try (Stream<Path> agents = Files.list(directory)) {
            for (Path dir : (Iterable<Path>) agents::iterator) {
                String agent = dir.getFileName().toString();
                if (Files.isDirectory(dir) && AGENT.matcher(agent).matches()) {
                    for (ContextSnapshot info : scanFiles(agent)) {
                        Path file = dir.resolve(info.id() + ".ctx");
                        try {
                            byte[] bytes = Files.readAllBytes(file);
                            SnapshotFile.decode(bytes, file.toString()); // a damaged file stays where it is
                            if (!to.put(info, bytes)) {
                                to.save(agent, info.created(), info.messages(), info.generations(), bytes);
                            }
                            Files.delete(file);
                        } catch (IOException | RuntimeException e) {
                            problems.add(file + ": " + e.getMessage());
                        }
                    }
                }
            }
        } catch (IOException e) {
            problems.add(directory + ": " + e.getMessage());
        }
        listings.clear();
        return problems;
    }

    /** The agent's snapshots, oldest first; none if it has none. */
    List<ContextSnapshot> list(String agent) {
        return listings.computeIfAbsent(checkName(agent), this::scan);
    }

    long bytes(String agent) {
        return list(agent).stream().mapToLong(ContextSnapshot::bytes).sum();
    }

    synchronized ContextSnapshot save(SnapshotFile file, byte[] bytes) throws IOException {
        String agent = checkName(file.agent());
        List<ContextSnapshot> before = list(agent);
        ContextArchive to = archive;
        if (to != null) {
            ContextSnapshot info;
            try {
                info = to.save(agent, file.created(), file.conversation().size(), file.generations().size(), bytes);
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
            List<ContextSnapshot> after = new ArrayList<>(before);
            after.add(info);
            listings.put(agent, List.copyOf(after));
            return info;
        }
        long id = before.isEmpty() ? 1 : before.getLast().id() + 1;
        Path dir = Files.createDirectories(directory.resolve(agent));
        writeDurably(dir.resolve(id + ".ctx"), bytes);
        ContextSnapshot info = new ContextSnapshot(agent, id, file.created(), bytes.length, file.conversation().size(),
                file.generations().size());
        List<ContextSnapshot> after = new ArrayList<>(before);
        after.add(info);
        listings.put(agent, List.copyOf(after));
        return info;
    }

    /**
     * Reads a snapshot: {@code id}, or the newest when {@code null}.
     *
     * @throws IllegalArgumentException if there is none, or the file is not a valid snapshot of this agent
     */
    Loaded load(String agent, Long id) throws IOException {
        List<ContextSnapshot> all = list(agent);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("agent '" + agent + "' has no saved context in " + where()
                    + ": save one first with ctx:snapshot " + agent);
        }
        ContextSnapshot info = id == null ? all.getLast()
                : all.stream().filter(s -> s.id() == id).findFirst().orElseThrow(() -> new IllegalArgumentException(
                        "agent '" + agent + "' has no snapshot " + id + "; it has " + all.stream()
                                .map(s -> String.valueOf(s.id())).toList()));
        ContextArchive from = archive;
        String source;
        byte[] bytes;
        if (from != null) {
            source = "snapshot " + info.id() + " of agent '" + agent + "' in the storage manager's database";
            Optional<byte[]> read;
            try {
                read = from.read(agent, info.id());
            } catch (IllegalStateException e) {
                throw new IOException(e.getMessage(), e);
            }
            bytes = read.orElseThrow(() -> new IllegalArgumentException(source + " is gone: list the snapshots "
                    + "again with ctx:show " + agent));
        } else {
            Path path = directory.resolve(agent).resolve(info.id() + ".ctx");
            source = path.toString();
            bytes = Files.readAllBytes(path);
        }
        SnapshotFile file = SnapshotFile.decode(bytes, source);
        if (!file.agent().equals(agent)) {
            throw new IllegalArgumentException(source + " holds the context of agent '" + file.agent() + "', not of '"
                    + agent + "'");
        }
        return new Loaded(info, file);
    }

    private List<ContextSnapshot> scan(String agent) {
        ContextArchive from = archive;
        if (from != null) {
            try {
                return from.list(agent);
            } catch (IllegalStateException e) {
                throw new java.io.UncheckedIOException(new IOException(e.getMessage(), e));
            }
        }
        return scanFiles(agent);
    }

    private List<ContextSnapshot> scanFiles(String agent) {
        Path dir = directory.resolve(agent);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<ContextSnapshot> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = FILE.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue; // a temporary file of an interrupted save, or something not ours
                }
                byte[] bytes = Files.readAllBytes(p);
                try {
                    SnapshotFile f = SnapshotFile.decode(bytes, p.toString());
                    out.add(new ContextSnapshot(agent, Long.parseLong(m.group(1)), f.created(), bytes.length,
                            f.conversation().size(), f.generations().size()));
                } catch (IllegalArgumentException damaged) {
                    // listed with what is known, so that it can be seen; restoring it names the damage
                    out.add(new ContextSnapshot(agent, Long.parseLong(m.group(1)),
                            Files.getLastModifiedTime(p).toInstant(), bytes.length, 0, 0));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list the snapshots in " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparingLong(ContextSnapshot::id));
        return List.copyOf(out);
    }

    Map<String, ResourceLimits> limits() {
        return limits;
    }

    synchronized void setLimits(String agent, ResourceLimits l) throws IOException {
        Map<String, ResourceLimits> next = new TreeMap<>(limits);
        if (l == null) {
            next.remove(checkName(agent));
        } else {
            next.put(checkName(agent), l);
        }
        Properties p = new Properties();
        next.forEach((a, v) -> {
            p.setProperty(a + ".tokens", Long.toString(v.tokens()));
            p.setProperty(a + ".syscalls", Long.toString(v.syscalls()));
            p.setProperty(a + ".wall.seconds", Long.toString(v.wallTime().toSeconds()));
            p.setProperty(a + ".memory.bytes", Long.toString(v.memoryBytes()));
        });
        StringWriter text = new StringWriter();
        p.store(text, "Agents' own resource limits (0: none), set with ctx:limit");
        Files.createDirectories(directory);
        writeDurably(directory.resolve(LIMITS), text.toString().getBytes(StandardCharsets.ISO_8859_1));
        limits = Map.copyOf(next);
    }

    private Map<String, ResourceLimits> readLimits() throws IOException {
        Path file = directory.resolve(LIMITS);
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        }
        Map<String, ResourceLimits> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.endsWith(".tokens")) {
                String agent = key.substring(0, key.length() - ".tokens".length());
                try {
                    out.put(agent, new ResourceLimits(number(p, file, agent + ".tokens"),
                            number(p, file, agent + ".syscalls"),
                            Duration.ofSeconds(number(p, file, agent + ".wall.seconds")),
                            number(p, file, agent + ".memory.bytes")));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": the limits of agent '" + agent + "' are not valid: "
                            + e.getMessage() + "; correct or delete the file", e);
                }
            }
        }
        return Map.copyOf(out);
    }

    private static long number(Properties p, Path file, String key) {
        String v = p.getProperty(key, "0").trim();
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not a whole number");
        }
    }

    private static String checkName(String agent) {
        if (agent == null || !AGENT.matcher(agent).matches()) {
            throw new IllegalArgumentException("agent name '" + agent + "' is not valid: use 1–64 characters from"
                    + " A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }
        return agent;
    }

    /** Writes {@code bytes} so that after a crash the file holds them all or its previous contents. */
    static void writeDurably(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself
        } catch (IOException e) {
            // some file systems cannot open a directory for syncing; the rename is still atomic there
        }
    }
}
