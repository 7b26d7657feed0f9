package aios.manager.memory;

import aios.kernel.api.SyscallException;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.memory.MemoryManager;
import aios.kernel.api.storage.NoteStore;
import aios.kernel.api.storage.NoteStore.Note;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The memory manager: agents' notes in memory for speed and in the {@link NoteStore} for durability. Every add,
 * update and remove reaches the store before it is acknowledged (write-through), so the notes in memory are a cache
 * that may be dropped at any time: past the global limit the least recently used notes of all agents leave memory
 * and are read back from the store when next used. An agent's quota counts all its notes, in memory or not, and an
 * add or update past it is refused.
 *
 * <p>Thread-safe: an agent's operations take turns on its lock (which orders its writes to the store); different
 * agents run in parallel and share only the in-memory LRU, which has its own short lock.
 *
 * <p>Without a note store this component is not satisfied and no memory manager is registered: the kernel then
 * refuses memory syscalls naming the missing service.
 */
@Component(service = {MemoryManager.class, AgentMemories.class}, configurationPid = AgentMemories.PID, immediate = true)
@Designate(ocd = MemoryConfig.class)
public final class AgentMemories implements MemoryManager {

    static final String PID = "aios.memory";
    /** The metadata key whose value is a comma-separated list of tags; a tags filter matches each tag on its own. */
    static final String TAGS = "tags";
    /** Retrieval asks the store for more candidates than hits wanted, since tags and recency re-rank them. */
    private static final int CANDIDATES_PER_HIT = 4;
    private static final int MIN_CANDIDATES = 16;
    private static final int MAX_CANDIDATES = 1000;

    private final NoteStore store;
    private final Clock clock;
    private final ResidentNotes resident = new ResidentNotes();
    private final ConcurrentHashMap<String, AgentNotes> agents = new ConcurrentHashMap<>();
    private volatile MemorySettings settings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    @Activate
    public AgentMemories(@Reference NoteStore store, MemoryConfig config) {
        this(store, MemorySettings.of(config), Clock.systemUTC());
    }

    AgentMemories(NoteStore store, MemorySettings settings, Clock clock) {
        this.store = store;
        this.settings = settings;
        this.clock = clock;
    }

    @Modified
    void modified(MemoryConfig config) {
        reconfigure(MemorySettings.of(config));
    }

    /** New settings; a lower global limit evicts at once. */
    void reconfigure(MemorySettings s) {
        settings = s;
        if (s.globalLimit() > 0 && resident.bytes() > s.globalLimit()) {
            publishEvictions(resident.evictTo(s.targetBytes()), "limit");
        }
    }

    // ---------------------------------------------------------------- the kernel's calls

    @Override
    public MemoryResult execute(MemoryQuery query) {
        String agent = query.agent();
        return switch (query.operation()) {
            case MemoryOperation.Add op -> locked(agent, a -> add(a, op));
            case MemoryOperation.Get op -> locked(agent, a -> get(a, op.id()));
            case MemoryOperation.Update op -> locked(agent, a -> update(a, op));
            case MemoryOperation.Remove op -> locked(agent, a -> remove(a, op.id()));
            case MemoryOperation.Retrieve op -> new MemoryResult(null, null, null, retrieve(agent, op));
            case MemoryOperation.Release op -> locked(agent, a -> release(a, op.id()));
            case MemoryOperation.ReleaseAll op -> locked(agent, this::releaseAll);
        };
    }

    @Override
    public void released(String agent) {
        if (agents.containsKey(agent)) { // an agent that never used memory costs no store read here
            locked(agent, this::releaseAll);
        }
    }

    /** Runs {@code work} holding the agent's lock, its ledger read from the store on first use. */
    private <T> T locked(String agent, Function<AgentNotes, T> work) {
        AgentNotes a = agents.computeIfAbsent(agent, AgentNotes::new);
        a.lock.lock();
        try {
            if (!a.loaded()) {
                a.load(readAll(agent));
            }
            return work.apply(a);
        } finally {
            a.lock.unlock();
        }
    }

    private List<Note> readAll(String agent) {
        try {
            return store.list(agent, Integer.MAX_VALUE);
        } catch (RuntimeException e) {
            throw new SyscallException("the memory notes of agent '" + agent + "' could not be read from the note "
                    + "store: " + e.getMessage() + " (see the storage manager's messages; try again once it is "
                    + "resolved)", e);
        }
    }

    private MemoryResult add(AgentNotes a, MemoryOperation.Add op) {
        long size = NoteSize.of(op.content(), op.metadata());
        checkQuota(a, "memory.add", size, "this note of " + size + " bytes");
        Instant now = clock.instant();
        Note note = new Note(a.agent, a.newId(), op.content(), op.metadata(), now, now);
        write(note);
        a.stored(note.id(), size);
        keep(a, note, size);
        return new MemoryResult(note.id(), null, null, null);
    }

    private MemoryResult get(AgentNotes a, String id) {
        Note note = current(a, id);
        return new MemoryResult(id, note.content(), note.metadata(), null);
    }

    private MemoryResult update(AgentNotes a, MemoryOperation.Update op) {
        Note old = current(a, op.id());
        long oldSize = NoteSize.of(old);
        long size = NoteSize.of(op.content(), op.metadata());
        if (size > oldSize) {
            checkQuota(a, "memory.update", size - oldSize, "this update of note '" + op.id() + "' from " + oldSize
                    + " to " + size + " bytes");
        }
        Note note = new Note(a.agent, op.id(), op.content(), op.metadata(), old.created(), clock.instant());
        write(note);
        a.stored(note.id(), size);
        keep(a, note, size);
        return new MemoryResult(note.id(), null, null, null);
    }

    private MemoryResult remove(AgentNotes a, String id) {
        boolean existed;
        try {
            existed = store.remove(a.agent, id);
        } catch (RuntimeException e) {
            throw new SyscallException("memory note '" + id + "' of agent '" + a.agent + "' could not be removed from "
                    + "the note store, so it is still there: " + e.getMessage(), e);
        }
        resident.remove(a.agent, id);
        a.forget(id);
        if (!existed) {
            throw noSuchNote(a.agent, id);
        }
        return new MemoryResult(id, null, null, null);
    }

    private MemoryResult release(AgentNotes a, String id) {
        if (resident.remove(a.agent, id) == null && !a.has(id) && store.get(a.agent, id).isEmpty()) {
            throw noSuchNote(a.agent, id);
        }
        return new MemoryResult(id, null, null, null);
    }

    private MemoryResult releaseAll(AgentNotes a) {
        ResidentNotes.Dropped freed = resident.removeAll(a.agent);
        return new MemoryResult(null, null, Map.of("notes", Integer.toString(freed.notes()), "bytes",
                Long.toString(freed.bytes())), null);
    }

    /** The note from memory, else from the store (and then kept in memory again); holding the agent's lock. */
    private Note current(AgentNotes a, String id) {
        Note note = resident.get(a.agent, id);
        if (note != null) {
            return note;
        }
        note = store.get(a.agent, id).orElseThrow(() -> noSuchNote(a.agent, id));
        long size = NoteSize.of(note);
        if (a.size(id) != size) { // written by another kernel sharing the store: the quota counts what is there
            a.stored(id, size);
        }
        a.reloads.incrementAndGet();
        keep(a, note, size);
        return note;
    }

    private void write(Note note) {
        try {
            store.put(note);
        } catch (RuntimeException e) {
            throw new SyscallException("memory note '" + note.id() + "' of agent '" + note.agent() + "' could not be "
                    + "written to the note store, so nothing changed: " + e.getMessage()
                    + " (see the storage manager's messages; try again once it is resolved)", e);
        }
    }

    private void keep(AgentNotes a, Note note, long size) {
        MemorySettings s = settings;
        publishEvictions(resident.put(new ResidentNotes.Entry(a, note, size), s.globalLimit(), s.targetBytes()),
                "limit");
    }

    private void checkQuota(AgentNotes a, String kind, long more, String what) {
        long quota = settings.agentQuota();
        long used = a.storedBytes();
        if (quota > 0 && used + more > quota) {
            String message = "agent '" + a.agent + "' would pass its memory quota: its notes hold " + used + " of "
                    + quota + " bytes (quota.agent.bytes in " + PID + "), and " + what + " would make it "
                    + (used + more) + "; nothing was stored: remove notes it no longer needs (memory remove), or "
                    + "raise quota.agent.bytes";
            post(KernelEvents.MEMORY_QUOTA_EXCEEDED, Map.of(KernelEvents.AGENT, a.agent, KernelEvents.KIND, kind,
                    KernelEvents.USED, used, KernelEvents.MAXIMUM, quota, KernelEvents.BYTES, more,
                    KernelEvents.ERROR, message));
            throw new SyscallException(message);
        }
    }

    private static SyscallException noSuchNote(String agent, String id) {
        return new SyscallException("agent '" + agent + "' has no memory note '" + id + "': use an id that memory "
                + "add returned (mem:ls " + agent + " lists them)");
    }

    private List<MemoryResult.Hit> retrieve(String agent, MemoryOperation.Retrieve op) {
        Map<String, String> filter = new HashMap<>(op.filter());
        Set<String> tags = tags(filter.remove(TAGS));
        int candidates = (int) Math.max(op.k(), Math.min(MAX_CANDIDATES,
                Math.max(MIN_CANDIDATES, (long) op.k() * CANDIDATES_PER_HIT)));
        List<NoteStore.Found> found;
        try {
            found = store.search(agent, op.query(), filter, candidates);
        } catch (IllegalArgumentException e) {
            throw new SyscallException("retrieval query '" + op.query() + "' of agent '" + agent + "' is not a valid "
                    + "search: " + e.getMessage(), e);
        }
        List<NoteStore.Found> matching = tags.isEmpty() ? found
                : found.stream().filter(f -> tags(f.note().metadata().get(TAGS)).containsAll(tags)).toList();
        List<MemoryResult.Hit> hits = RecencyRanking.of(settings).rank(matching, clock.instant(), op.k());
        hits.forEach(h -> resident.get(agent, h.id())); // a note retrieved is a note used: it stays longer in memory
        return hits;
    }

    private static Set<String> tags(String list) {
        if (list == null) {
            return Set.of();
        }
        return Arrays.stream(list.split(",")).map(String::strip).filter(t -> !t.isEmpty()).collect(Collectors.toSet());
    }

    // ---------------------------------------------------------------- operators (mem: commands)

    /** What is held, in all and per agent, at one instant. */
    MemoryUsage usage() {
        MemorySettings s = settings;
        ResidentNotes.Snapshot snap = resident.snapshot(agents.values());
        long evictions = 0;
        long reloads = 0;
        List<MemoryUsage.Agent> rows = new ArrayList<>();
        for (Map.Entry<String, ResidentNotes.Totals> e : snap.agents().entrySet()) {
            AgentNotes a = agents.get(e.getKey());
            evictions += a.evictions.get();
            reloads += a.reloads.get();
            rows.add(new MemoryUsage.Agent(a.agent, e.getValue().notes(), e.getValue().bytes(), a.storedNotes(),
                    a.storedBytes(), s.agentQuota(), a.evictions.get(), a.reloads.get()));
        }
        return new MemoryUsage(snap.total().notes(), snap.total().bytes(), s.globalLimit(), s.targetPercent(),
                evictions, reloads, List.copyOf(rows));
    }

    /** A note as {@code mem:ls} shows it. */
    record Listed(Note note, long bytes, boolean resident) {
    }

    /** An agent's notes in the store, most recently updated first, at most {@code limit}, and whether each is in memory. */
    List<Listed> list(String agent, int limit) {
        return store.list(agent, limit).stream()
                .map(n -> new Listed(n, NoteSize.of(n), resident.contains(agent, n.id()))).toList();
    }

    /** What an eviction round freed. */
    record Eviction(int notes, long bytes, int agents, long residentBytes, long limit) {
    }

    /**
     * Evicts the least recently used notes until memory holds at most {@code percent} of the global limit, or of
     * what it holds now when there is no limit.
     */
    Eviction evict(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("target " + percent + " % is not a percentage: give 0 to 100 (0 evicts "
                    + "every note from memory)");
        }
        long limit = settings.globalLimit();
        long base = limit > 0 ? limit : resident.bytes();
        Map<String, ResidentNotes.Dropped> evicted = resident.evictTo(base * percent / 100);
        publishEvictions(evicted, "command");
        int notes = evicted.values().stream().mapToInt(ResidentNotes.Dropped::notes).sum();
        long bytes = evicted.values().stream().mapToLong(ResidentNotes.Dropped::bytes).sum();
        return new Eviction(notes, bytes, evicted.size(), resident.bytes(), limit);
    }

    MemorySettings settings() {
        return settings;
    }

    // ---------------------------------------------------------------- events

    private void publishEvictions(Map<String, ResidentNotes.Dropped> evicted, String reason) {
        if (evicted.isEmpty()) {
            return;
        }
        long held = resident.bytes();
        long limit = settings.globalLimit();
        evicted.forEach((agent, d) -> post(KernelEvents.MEMORY_EVICTED, Map.of(KernelEvents.AGENT, agent,
                KernelEvents.NOTES, d.notes(), KernelEvents.BYTES, d.bytes(), KernelEvents.REASON, reason,
                KernelEvents.RESIDENT, held, KernelEvents.MAXIMUM, limit)));
    }

    private void post(String topic, Map<String, Object> properties) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, properties));
        }
    }
}
