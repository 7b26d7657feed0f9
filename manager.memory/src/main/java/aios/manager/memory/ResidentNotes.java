package aios.manager.memory;

import aios.kernel.api.storage.NoteStore;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The notes held in memory for all agents, least recently used first, with their bytes counted in all and per agent.
 * Every method is atomic under one lock, so the totals always equal the sum of the agents' shares, and once
 * {@link #put} returns, the bytes held are within the limit it was given. Dropping a note here only drops it from
 * memory: the note store has every note (writes go there first).
 */
final class ResidentNotes {

    record Key(String agent, String id) {
    }

    /** A note in memory, its size, and the ledger of its agent (whose share it is). */
    record Entry(AgentNotes owner, NoteStore.Note note, long bytes) {
    }

    /** What left one agent's memory. */
    record Dropped(int notes, long bytes) {
        static final Dropped NONE = new Dropped(0, 0);

        Dropped plus(long noteBytes) {
            return new Dropped(notes + 1, bytes + noteBytes);
        }
    }

    /** The totals, taken at one instant. */
    record Totals(int notes, long bytes) {
    }

    /** The totals and each agent's share, by agent name. */
    record Snapshot(Totals total, Map<String, Totals> agents) {
    }

    private final LinkedHashMap<Key, Entry> lru = new LinkedHashMap<>(64, 0.75f, true);
    private long bytes;

    /** The note if it is in memory, which makes it the most recently used; otherwise {@code null}. */
    synchronized NoteStore.Note get(String agent, String id) {
        Entry e = lru.get(new Key(agent, id));
        return e == null ? null : e.note();
    }

    /** Whether the note is in memory, without using it. */
    synchronized boolean contains(String agent, String id) {
        return lru.containsKey(new Key(agent, id));
    }

    /**
     * Keeps a note in memory as the most recently used, replacing an older version; if the bytes held then pass
     * {@code limit} (0: none), evicts the least recently used notes, this one last, down to {@code target}.
     *
     * @return the notes evicted, by agent
     */
    synchronized Map<String, Dropped> put(Entry entry, long limit, long target) {
        Entry old = lru.put(new Key(entry.owner().agent, entry.note().id()), entry);
        if (old != null) {
            leave(old);
        }
        entry.owner().residentNotes++;
        entry.owner().residentBytes += entry.bytes();
        bytes += entry.bytes();
        return limit > 0 && bytes > limit ? evictTo(target) : Map.of();
    }

    /** Drops a note from memory; the entry dropped, or {@code null} if it was not in memory. */
    synchronized Entry remove(String agent, String id) {
        Entry e = lru.remove(new Key(agent, id));
        if (e != null) {
            leave(e);
        }
        return e;
    }

    /** Drops all of an agent's notes from memory. */
    synchronized Dropped removeAll(String agent) {
        Dropped d = Dropped.NONE;
        for (Iterator<Entry> it = lru.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.owner().agent.equals(agent)) {
                it.remove();
                leave(e);
                d = d.plus(e.bytes());
            }
        }
        return d;
    }

    /**
     * Evicts the least recently used notes until at most {@code target} bytes are held; each agent's eviction count
     * goes up by its notes evicted.
     *
     * @return the notes evicted, by agent, in the order their first note went
     */
    synchronized Map<String, Dropped> evictTo(long target) {
        Map<String, Dropped> evicted = new LinkedHashMap<>();
        for (Iterator<Entry> it = lru.values().iterator(); bytes > Math.max(target, 0) && it.hasNext(); ) {
            Entry e = it.next();
            it.remove();
            leave(e);
            e.owner().evictions.incrementAndGet();
            evicted.merge(e.owner().agent, Dropped.NONE.plus(e.bytes()), (a, b) -> new Dropped(a.notes() + b.notes(),
                    a.bytes() + b.bytes()));
        }
        return evicted;
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized Totals totals() {
        return new Totals(lru.size(), bytes);
    }

    /** The totals and the agents' shares at one instant, read under the lock that changes them. */
    synchronized Snapshot snapshot(Collection<AgentNotes> owners) {
        Map<String, Totals> shares = new TreeMap<>();
        for (AgentNotes a : owners) {
            shares.put(a.agent, new Totals(a.residentNotes, a.residentBytes));
        }
        return new Snapshot(new Totals(lru.size(), bytes), shares);
    }

    private void leave(Entry e) {
        e.owner().residentNotes--;
        e.owner().residentBytes -= e.bytes();
        bytes -= e.bytes();
    }
}
