package aios.manager.memory;

import aios.kernel.api.storage.NoteStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One agent's ledger: the ids and sizes of all its notes in the note store (what its quota counts), and what it holds
 * in memory. The stored part is changed only by a thread holding {@link #lock}, which also orders the agent's writes
 * to the store; the resident part is changed only under {@link ResidentNotes}' lock, which evicts across agents.
 */
final class AgentNotes {

    final String agent;
    /** Held for every operation of this agent that reads or writes the store; a lock, not a monitor: workers may be virtual threads. */
    final ReentrantLock lock = new ReentrantLock();

    private Map<String, Long> stored; // null until read from the store on first use
    private volatile int storedNotes;
    private volatile long storedBytes;

    // guarded by ResidentNotes' lock
    int residentNotes;
    long residentBytes;

    final AtomicLong evictions = new AtomicLong();
    final AtomicLong reloads = new AtomicLong();

    AgentNotes(String agent) {
        this.agent = agent;
    }

    boolean loaded() {
        return stored != null;
    }

    /** Takes the agent's notes as the store has them (called once, holding the lock). */
    void load(List<NoteStore.Note> notes) {
        Map<String, Long> sizes = new HashMap<>();
        long bytes = 0;
        for (NoteStore.Note n : notes) {
            long size = NoteSize.of(n);
            sizes.put(n.id(), size);
            bytes += size;
        }
        stored = sizes;
        storedNotes = sizes.size();
        storedBytes = bytes;
    }

    boolean has(String id) {
        return stored.containsKey(id);
    }

    /** The stored size of a note, or -1 if the ledger has no such note. */
    long size(String id) {
        return stored.getOrDefault(id, -1L);
    }

    /** A note was written to the store with this size. */
    void stored(String id, long size) {
        Long old = stored.put(id, size);
        storedBytes += size - (old == null ? 0 : old);
        storedNotes = stored.size();
    }

    /** A note was removed from the store. */
    void forget(String id) {
        Long old = stored.remove(id);
        if (old != null) {
            storedBytes -= old;
            storedNotes = stored.size();
        }
    }

    int storedNotes() {
        return storedNotes;
    }

    long storedBytes() {
        return storedBytes;
    }

    /** A fresh id, unique among this agent's notes: twelve hex digits, short enough to type in the shell. */
    String newId() {
        String id;
        do {
            id = String.format("%012x", ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
        } while (stored.containsKey(id));
        return id;
    }
}
