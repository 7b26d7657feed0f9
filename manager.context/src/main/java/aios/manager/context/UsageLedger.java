package aios.manager.context;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agents' usage kept across restarts, so that a limit counts what an agent used before the kernel stopped:
 * {@code <directory>/usage.properties}, rewritten whole (to a temporary file, forced to disk, renamed) when
 * {@link #flush} finds it changed. What an agent used after the last flush before a crash is not counted; the
 * context manager flushes every second and when it stops.
 *
 * <p>Thread-safe.
 */
final class UsageLedger {

    static final String FILE = "usage.properties";

    /** One agent's usage as last written. */
    record Usage(Instant registered, long syscalls, long generatedTokens, long promptTokens) {
    }

    private final Path file;
    /** Usage read at start for agents that have no live context yet. */
    private final ConcurrentHashMap<String, Usage> carried = new ConcurrentHashMap<>();
    private String written = "";

    /**
     * @throws IOException naming the file when it cannot be read or is damaged; correct or delete it
     */
    UsageLedger(Path directory) throws IOException {
        this.file = directory.resolve(FILE);
        carried.putAll(read(file));
    }

    /** The usage an agent had before the kernel restarted, taken once (its live context counts on from it). */
    Usage take(String agent) {
        return carried.remove(agent);
    }

    /** Forgets an agent's carried usage: it was unregistered, and starts again at 0. */
    void forget(String agent) {
        carried.remove(agent);
    }

    /** Writes the usage of the live contexts, and what is still carried, if it changed since the last write. */
    synchronized void flush(Map<String, LiveContext> live) throws IOException {
        Map<String, Usage> all = new TreeMap<>(carried);
        live.forEach((agent, c) -> all.put(agent, new Usage(c.registered, c.syscalls.get(), c.generatedTokens.get(),
                c.promptTokens.get())));
        Properties p = new Properties();
        all.forEach((agent, u) -> {
            p.setProperty(agent + ".registered.ms", Long.toString(u.registered().toEpochMilli()));
            p.setProperty(agent + ".syscalls", Long.toString(u.syscalls()));
            p.setProperty(agent + ".tokens.generated", Long.toString(u.generatedTokens()));
            p.setProperty(agent + ".tokens.prompt", Long.toString(u.promptTokens()));
        });
        // sorted, without the date line Properties.store writes, so that the same usage gives the same text
        StringBuilder text = new StringBuilder("# Agents' usage, counted on across restarts (ctx:ls shows it)\n");
        new TreeMap<>(p).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        if (text.toString().equals(written)) {
            return;
        }
        Files.createDirectories(file.getParent());
        SnapshotStore.writeDurably(file, text.toString().getBytes(StandardCharsets.ISO_8859_1));
        written = text.toString();
    }

    private static Map<String, Usage> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            p.load(r);
        }
        Map<String, Usage> out = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.endsWith(".registered.ms")) {
                String agent = key.substring(0, key.length() - ".registered.ms".length());
                try {
                    out.put(agent, new Usage(Instant.ofEpochMilli(number(p, key)), number(p, agent + ".syscalls"),
                            number(p, agent + ".tokens.generated"), number(p, agent + ".tokens.prompt")));
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": the usage of agent '" + agent + "' is not valid: "
                            + e.getMessage() + "; correct or delete the file", e);
                }
            }
        }
        return out;
    }

    private static long number(Properties p, String key) {
        String v = p.getProperty(key, "0").trim();
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new IllegalArgumentException(key + " = " + v + " is negative");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not a whole number");
        }
    }
}
