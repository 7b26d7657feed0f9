package aios.manager.memory;

import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.text.TextTable;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code mem:stat}, {@code mem:ls}, {@code mem:find} and {@code mem:evict}: the memory manager from the Gogo shell,
 * for operators (agents go through the kernel's memory syscalls).
 */
@Component(service = MemoryCommands.class, property = {"osgi.command.scope=mem", "osgi.command.function=stat",
        "osgi.command.function=ls", "osgi.command.function=find", "osgi.command.function=evict"})
public final class MemoryCommands {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private static final int PREVIEW = 60;

    @Reference
    private AgentMemories memories;

    public MemoryCommands() {
    }

    MemoryCommands(AgentMemories memories) {
        this.memories = memories;
    }

    @Descriptor("memory per agent and in all: notes and bytes in memory and in the note store, quota use, evictions")
    public String stat() {
        MemoryUsage u = memories.usage();
        TextTable t = new TextTable("AGENT", "IN MEMORY", "BYTES", "STORED", "STORED BYTES", "QUOTA", "QUOTA USED", "EVICTED",
                "RELOADED");
        for (MemoryUsage.Agent a : u.agents()) {
            t.row(a.agent(), a.residentNotes(), a.residentBytes(), a.storedNotes(), a.storedBytes(),
                    a.quota() == 0 ? "none" : a.quota(), a.quota() == 0 ? "-" : percent(a.utilisation()),
                    a.evictions(), a.reloads());
        }
        String limit = u.limit() == 0 ? "no limit" : "limit " + u.limit() + " (" + percent(u.utilisation())
                + " used, eviction down to " + u.targetPercent() + " %)";
        return (u.agents().isEmpty() ? "no agent has used memory since the kernel started\n" : t.toString())
                + "memory: " + u.residentNotes() + " notes, " + u.residentBytes() + " bytes, " + limit + "; "
                + u.evictions() + " evicted, " + u.reloads() + " reloaded from the note store\n";
    }

    @Descriptor("an agent's notes in the note store, most recently updated first, and whether each is in memory")
    public String ls(
            @Descriptor("most notes to list") @Parameter(names = "--limit", absentValue = "100") int limit,
            @Descriptor("the agent") String agent) {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit " + limit + " must be at least 1");
        }
        List<AgentMemories.Listed> notes = memories.list(agent, limit);
        if (notes.isEmpty()) {
            return "agent '" + agent + "' has no memory notes\n";
        }
        TextTable t = new TextTable("ID", "BYTES", "IN MEMORY", "UPDATED", "METADATA", "CONTENT");
        for (AgentMemories.Listed l : notes) {
            t.row(l.note().id(), l.bytes(), l.resident() ? "yes" : "no", TIME.format(l.note().updated()),
                    metadata(l.note().metadata()), preview(l.note().content()));
        }
        return t.toString();
    }

    @Descriptor("retrieve an agent's notes that best match a text, as its memory retrieve syscall ranks them")
    public String find(
            @Descriptor("most notes to show") @Parameter(names = "--k", absentValue = "10") int k,
            @Descriptor("only notes with all these tags (comma-separated)") @Parameter(names = "--tags",
                    absentValue = "") String tags,
            @Descriptor("the agent") String agent,
            @Descriptor("the text to search for") String... text) {
        if (text.length == 0) {
            throw new IllegalArgumentException("mem:find needs a text to search for, e.g. mem:find " + agent
                    + " meeting notes");
        }
        Map<String, String> filter = tags.isBlank() ? Map.of() : Map.of(AgentMemories.TAGS, tags);
        MemoryResult r = memories.execute(new MemoryQuery(agent,
                new MemoryOperation.Retrieve(String.join(" ", text), k, filter)));
        if (r.hits().isEmpty()) {
            return "no note of agent '" + agent + "' matches\n";
        }
        TextTable t = new TextTable("SCORE", "ID", "METADATA", "CONTENT");
        for (MemoryResult.Hit h : r.hits()) {
            t.row(String.format(Locale.ROOT, "%.3f", h.score()), h.id(), metadata(h.metadata()), preview(h.content()));
        }
        return t.toString();
    }

    @Descriptor("evict the least recently used notes from memory (they stay in the note store)")
    public String evict(
            @Descriptor("percent of the global limit to bring memory down to (of what it holds now without a "
                    + "limit); default evict.target.percent")
            @Parameter(names = "--target", absentValue = "-1") int target) {
        int percent = target == -1 ? memories.settings().targetPercent() : target;
        AgentMemories.Eviction e = memories.evict(percent);
        return "evicted " + e.notes() + " notes (" + e.bytes() + " bytes) of " + e.agents() + " agents; memory holds "
                + e.residentBytes() + " bytes" + (e.limit() == 0 ? " (no limit)" : " of its limit " + e.limit())
                + "\n";
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }

    private static String metadata(Map<String, String> m) {
        return m.isEmpty() ? "-" : new TreeMap<>(m).toString();
    }

    private static String preview(String content) {
        String line = content.replaceAll("\\s+", " ").strip();
        return line.length() <= PREVIEW ? line : line.substring(0, PREVIEW - 1) + "…";
    }

}
