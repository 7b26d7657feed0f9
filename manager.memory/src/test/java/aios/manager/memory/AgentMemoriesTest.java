package aios.manager.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallException;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class AgentMemoriesTest {

    private final TermFrequencyNoteStore store = new TermFrequencyNoteStore();
    private final TestClock clock = new TestClock();
    private final EventRecorder events = new EventRecorder();

    private AgentMemories memories(long quota, long limit, int targetPercent) {
        AgentMemories m = new AgentMemories(store, new MemorySettings(quota, limit, targetPercent, 0.2,
                Duration.ofHours(24)), clock);
        m.eventAdmin = events;
        return m;
    }

    private static MemoryResult run(AgentMemories m, String agent, MemoryOperation op) {
        return m.execute(new MemoryQuery(agent, op));
    }

    private static String add(AgentMemories m, String agent, String content) {
        return add(m, agent, content, Map.of());
    }

    private static String add(AgentMemories m, String agent, String content, Map<String, String> metadata) {
        return run(m, agent, new MemoryOperation.Add(content, metadata)).id();
    }

    private static String content(AgentMemories m, String agent, String id) {
        return run(m, agent, new MemoryOperation.Get(id)).content();
    }

    private static MemoryUsage.Agent usage(AgentMemories m, String agent) {
        return m.usage().agents().stream().filter(a -> a.agent().equals(agent)).findFirst().orElseThrow();
    }

    private static Set<String> resident(AgentMemories m, String agent) {
        return m.list(agent, 1000).stream().filter(AgentMemories.Listed::resident).map(l -> l.note().id())
                .collect(Collectors.toSet());
    }

    private static List<String> hitIds(MemoryResult r) {
        return r.hits().stream().map(MemoryResult.Hit::id).toList();
    }

    /** A note of exactly ten bytes. */
    private static String ten(int i) {
        return String.format("note-%05d", i);
    }

    @Test
    void addGetUpdateRemove_eachAgentInItsOwnMemory() {
        AgentMemories m = memories(0, 0, 80);
        String id = add(m, "alice", "buy milk", Map.of("tags", "home"));
        MemoryResult got = run(m, "alice", new MemoryOperation.Get(id));
        assertEquals("buy milk", got.content());
        assertEquals(Map.of("tags", "home"), got.metadata());

        clock.advance(Duration.ofMinutes(5));
        run(m, "alice", new MemoryOperation.Update(id, "buy oat milk", Map.of("tags", "home,shop")));
        assertEquals("buy oat milk", content(m, "alice", id));
        var stored = store.get("alice", id).orElseThrow();
        assertEquals("buy oat milk", stored.content());
        assertEquals(Duration.ofMinutes(5), Duration.between(stored.created(), stored.updated()));

        var other = assertThrows(SyscallException.class, () -> content(m, "bob", id));
        assertEquals("agent 'bob' has no memory note '" + id + "': use an id that memory add returned (mem:ls bob "
                + "lists them)", other.getMessage());

        run(m, "alice", new MemoryOperation.Remove(id));
        assertTrue(store.get("alice", id).isEmpty());
        var gone = assertThrows(SyscallException.class, () -> content(m, "alice", id));
        assertTrue(gone.getMessage().startsWith("agent 'alice' has no memory note '" + id + "'"), gone.getMessage());
        assertThrows(SyscallException.class, () -> run(m, "alice", new MemoryOperation.Remove(id)));
        assertThrows(SyscallException.class, () -> run(m, "alice", new MemoryOperation.Update(id, "x", null)));
        assertEquals(0, usage(m, "alice").storedBytes());
        assertEquals(0, m.usage().residentBytes());
    }

    @Test
    void pastTheGlobalLimit_leastRecentlyUsedNotesLeaveMemory_andEveryNoteIsStillThere() {
        AgentMemories m = memories(0, 100, 80);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(add(m, i % 2 == 0 ? "alice" : "bob", ten(i)));
            assertTrue(m.usage().residentBytes() <= 100, "in memory after add " + i + ": " + m.usage());
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(ten(i), content(m, i % 2 == 0 ? "alice" : "bob", ids.get(i)));
            assertTrue(m.usage().residentBytes() <= 100);
        }
        MemoryUsage u = m.usage();
        assertTrue(u.reloads() >= 40, "most notes had left memory and came back from the store: " + u);
        assertEquals(250, usage(m, "alice").storedBytes());
        assertEquals(250, usage(m, "bob").storedBytes());

        List<Event> evicted = events.topic(KernelEvents.MEMORY_EVICTED);
        assertFalse(evicted.isEmpty());
        assertEquals(u.evictions(), evicted.stream().mapToInt(e -> (Integer) e.getProperty(KernelEvents.NOTES)).sum());
        Event first = evicted.get(0);
        assertEquals("limit", first.getProperty(KernelEvents.REASON));
        assertEquals(80L, first.getProperty(KernelEvents.RESIDENT));
        assertEquals(100L, first.getProperty(KernelEvents.MAXIMUM));
    }

    @Test
    void evictionTakesTheLeastRecentlyUsedNoteFirst_andAReadNoteComesBack() {
        AgentMemories m = memories(0, 30, 100);
        String a = add(m, "alice", ten(1));
        String b = add(m, "alice", ten(2));
        String c = add(m, "alice", ten(3));
        content(m, "alice", a); // a is now more recent than b and c
        String d = add(m, "alice", ten(4));
        assertEquals(Set.of(a, c, d), resident(m, "alice"));

        assertEquals(ten(2), content(m, "alice", b)); // read back from the store; c is now the oldest
        assertEquals(Set.of(a, d, b), resident(m, "alice"));
        assertEquals(1, usage(m, "alice").reloads());
        assertEquals(2, usage(m, "alice").evictions());
    }

    @Test
    void anAddPastTheAgentsQuota_isRefusedNamingTheQuota_andChangesNothing() {
        AgentMemories m = memories(25, 10, 100); // room in memory for one note: the quota counts stored notes
        String first = add(m, "alice", ten(1));
        add(m, "alice", ten(2));
        var e = assertThrows(SyscallException.class, () -> add(m, "alice", ten(3)));
        assertEquals("agent 'alice' would pass its memory quota: its notes hold 20 of 25 bytes (quota.agent.bytes in "
                + "aios.memory), and this note of 10 bytes would make it 30; nothing was stored: remove notes it no "
                + "longer needs (memory remove), or raise quota.agent.bytes", e.getMessage());
        assertEquals(2, store.size("alice"));
        assertEquals(20, usage(m, "alice").storedBytes());
        assertEquals(0.8, usage(m, "alice").utilisation(), 1e-9);

        Event refused = events.topic(KernelEvents.MEMORY_QUOTA_EXCEEDED).get(0);
        assertEquals("alice", refused.getProperty(KernelEvents.AGENT));
        assertEquals("memory.add", refused.getProperty(KernelEvents.KIND));
        assertEquals(20L, refused.getProperty(KernelEvents.USED));
        assertEquals(25L, refused.getProperty(KernelEvents.MAXIMUM));
        assertEquals(10L, refused.getProperty(KernelEvents.BYTES));
        assertEquals(e.getMessage(), refused.getProperty(KernelEvents.ERROR));

        var grow = assertThrows(SyscallException.class,
                () -> run(m, "alice", new MemoryOperation.Update(first, ten(1) + "-longer", null)));
        assertTrue(grow.getMessage().contains("this update of note '" + first + "' from 10 to 17 bytes would make it 27"),
                grow.getMessage());
        assertEquals(ten(1), content(m, "alice", first));

        add(m, "bob", ten(4)); // bob has a quota of his own
        run(m, "alice", new MemoryOperation.Remove(first));
        add(m, "alice", ten(3));
        assertEquals(20, usage(m, "alice").storedBytes());
    }

    @Test
    void retrieve_ranksByTextMatch_recencyBreaksNearTies_andFiltersByMetadataAndTags() {
        AgentMemories m = memories(0, 0, 80);
        String twice = add(m, "alice", "the cat sat on the cat mat", Map.of("project", "home"));
        clock.advance(Duration.ofHours(1));
        String once = add(m, "alice", "a cat", Map.of("project", "work", "tags", "pets, urgent"));
        add(m, "alice", "a dog", Map.of("tags", "pets"));
        add(m, "bob", "bob's cat");

        MemoryResult cats = run(m, "alice", new MemoryOperation.Retrieve("cat", 5, null));
        assertEquals(List.of(twice, once), hitIds(cats));
        assertTrue(cats.hits().get(0).score() > cats.hits().get(1).score());
        assertEquals(List.of(once), hitIds(run(m, "alice", new MemoryOperation.Retrieve("cat", 1, Map.of("project",
                "work")))));
        assertEquals(List.of(once), hitIds(run(m, "alice", new MemoryOperation.Retrieve("cat", 5, Map.of("tags",
                "urgent")))));
        assertEquals(List.of(once), hitIds(run(m, "alice", new MemoryOperation.Retrieve("cat dog", 5, Map.of("tags",
                "urgent,pets")))));
        assertEquals(2, run(m, "alice", new MemoryOperation.Retrieve("cat dog", 5, Map.of("tags", "pets"))).hits()
                .size());

        String old = add(m, "alice", "meeting notes");
        clock.advance(Duration.ofHours(48));
        String recent = add(m, "alice", "meeting notes");
        assertEquals(List.of(recent, old), hitIds(run(m, "alice", new MemoryOperation.Retrieve("meeting", 5, null))));
        clock.advance(Duration.ofHours(1));
        run(m, "alice", new MemoryOperation.Update(old, "meeting notes", Map.of()));
        assertEquals(List.of(old, recent), hitIds(run(m, "alice", new MemoryOperation.Retrieve("meeting", 5, null))));

        var bad = assertThrows(SyscallException.class, () -> run(m, "alice", new MemoryOperation.Retrieve("!!", 5,
                null)));
        assertEquals("retrieval query '!!' of agent 'alice' is not a valid search: search text '!!' has no words",
                bad.getMessage());
    }

    @Test
    void retrieveFindsNotesThatLeftMemory() {
        AgentMemories m = memories(0, 20, 50);
        String lost = add(m, "alice", "quantum physics");
        for (int i = 0; i < 5; i++) {
            add(m, "alice", ten(i));
        }
        assertFalse(resident(m, "alice").contains(lost));
        assertEquals(List.of(lost), hitIds(run(m, "alice", new MemoryOperation.Retrieve("physics", 3, null))));
    }

    @Test
    void release_freesMemoryButKeepsTheNote_andReleaseAllFreesOnlyThatAgent() {
        AgentMemories m = memories(0, 0, 80);
        String a1 = add(m, "alice", ten(1));
        String a2 = add(m, "alice", ten(2));
        String b1 = add(m, "bob", ten(3));

        assertEquals(a1, run(m, "alice", new MemoryOperation.Release(a1)).id());
        assertEquals(Set.of(a2), resident(m, "alice"));
        assertEquals(20, usage(m, "alice").storedBytes()); // still the agent's: the quota counts it
        assertEquals(ten(1), content(m, "alice", a1));
        run(m, "alice", new MemoryOperation.Release(a1));
        run(m, "alice", new MemoryOperation.Release(a1)); // not in memory: nothing to do, not an error

        MemoryResult all = run(m, "alice", new MemoryOperation.ReleaseAll());
        assertEquals(Map.of("notes", "1", "bytes", "10"), all.metadata());
        assertEquals(Set.of(), resident(m, "alice"));
        assertEquals(Set.of(b1), resident(m, "bob"));
        assertEquals(10, m.usage().residentBytes());

        content(m, "alice", a2);
        m.released("alice"); // the kernel unregistered alice
        assertEquals(0, usage(m, "alice").residentNotes());
        assertEquals(ten(2), content(m, "alice", a2));
        m.released("nobody");

        var e = assertThrows(SyscallException.class, () -> run(m, "alice", new MemoryOperation.Release("nope")));
        assertTrue(e.getMessage().startsWith("agent 'alice' has no memory note 'nope'"), e.getMessage());
    }

    @Test
    void aNewManagerOnTheSameStore_findsEveryNote_andItsQuotaCountsThem() {
        AgentMemories before = memories(30, 0, 80);
        String id = add(before, "alice", ten(1), Map.of("k", "v")); // 12 bytes
        add(before, "alice", ten(2));

        AgentMemories after = memories(30, 0, 80);
        MemoryResult got = run(after, "alice", new MemoryOperation.Get(id));
        assertEquals(ten(1), got.content());
        assertEquals(Map.of("k", "v"), got.metadata());
        assertEquals(22, usage(after, "alice").storedBytes());
        assertEquals(2, usage(after, "alice").storedNotes());
        var e = assertThrows(SyscallException.class, () -> add(after, "alice", ten(3)));
        assertTrue(e.getMessage().contains("its notes hold 22 of 30 bytes"), e.getMessage());
    }

    @Test
    void aWriteTheStoreRefuses_failsNamingTheNote_andChangesNothing() {
        AgentMemories m = memories(0, 0, 80);
        String id = add(m, "alice", ten(1));
        store.failWrites = true;

        var add = assertThrows(SyscallException.class, () -> add(m, "alice", ten(2)));
        assertTrue(add.getMessage().contains("of agent 'alice' could not be written to the note store, so nothing "
                + "changed: disk full"), add.getMessage());
        var update = assertThrows(SyscallException.class,
                () -> run(m, "alice", new MemoryOperation.Update(id, "changed", null)));
        assertTrue(update.getMessage().startsWith("memory note '" + id + "' of agent 'alice' could not be written"),
                update.getMessage());
        var remove = assertThrows(SyscallException.class, () -> run(m, "alice", new MemoryOperation.Remove(id)));
        assertTrue(remove.getMessage().contains("could not be removed from the note store, so it is still there"),
                remove.getMessage());

        assertEquals(ten(1), content(m, "alice", id));
        assertEquals(1, m.usage().residentNotes());
        assertEquals(10, usage(m, "alice").storedBytes());
        store.failWrites = false;
        add(m, "alice", ten(2));
        assertEquals(20, usage(m, "alice").storedBytes());
    }

    @Test
    void aLowerLimit_evictsAtOnce_andTheEvictCommandEvictsToItsTarget() {
        AgentMemories m = memories(0, 0, 80);
        for (int i = 0; i < 10; i++) {
            add(m, "alice", ten(i));
        }
        m.reconfigure(new MemorySettings(0, 50, 80, 0.2, Duration.ofHours(24)));
        assertEquals(40, m.usage().residentBytes());
        assertEquals("limit", events.topic(KernelEvents.MEMORY_EVICTED).get(0).getProperty(KernelEvents.REASON));

        AgentMemories.Eviction half = m.evict(50);
        assertEquals(new AgentMemories.Eviction(2, 20, 1, 20, 50), half);
        assertEquals("command", events.topic(KernelEvents.MEMORY_EVICTED).get(1).getProperty(KernelEvents.REASON));
        assertEquals(0, m.evict(0).residentBytes());
        assertEquals(100, usage(m, "alice").storedBytes());
        var e = assertThrows(IllegalArgumentException.class, () -> m.evict(101));
        assertTrue(e.getMessage().startsWith("target 101 % is not a percentage"), e.getMessage());
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        var quota = assertThrows(IllegalArgumentException.class,
                () -> new MemorySettings(-1, 0, 80, 0.2, Duration.ofHours(1)));
        assertEquals("quota.agent.bytes -1 in aios.memory is not valid: give 0 (no quota) or more", quota.getMessage());
        var target = assertThrows(IllegalArgumentException.class,
                () -> new MemorySettings(0, 0, 0, 0.2, Duration.ofHours(1)));
        assertTrue(target.getMessage().startsWith("evict.target.percent 0 in aios.memory"), target.getMessage());
        var weight = assertThrows(IllegalArgumentException.class,
                () -> new MemorySettings(0, 0, 80, 1.5, Duration.ofHours(1)));
        assertTrue(weight.getMessage().startsWith("retrieve.recency.weight 1.5"), weight.getMessage());
    }

    @Test
    void sizesAreUtf8BytesOfContentAndMetadata() {
        assertEquals(1 + 2 + 3 + 4, NoteSize.utf8("aé€😀"));
        assertEquals(5 + 1 + 2, NoteSize.of("hello", Map.of("k", "vv")));
    }
}
