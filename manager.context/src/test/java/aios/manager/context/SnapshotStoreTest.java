package aios.manager.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.context.ContextSnapshot;
import aios.kernel.api.context.ResourceLimits;
import aios.kernel.api.storage.ContextArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

    @TempDir
    Path dir;

    /** An archive in memory: stands for the storage manager's, which manager.storage tests on a real database. */
    static final class MemoryArchive implements ContextArchive {
        final Map<String, TreeMap<Long, byte[]>> bytes = new TreeMap<>();
        final Map<String, TreeMap<Long, ContextSnapshot>> infos = new TreeMap<>();

        @Override
        public synchronized ContextSnapshot save(String agent, Instant created, int messages, int generations,
                                                 byte[] data) {
            TreeMap<Long, ContextSnapshot> own = infos.computeIfAbsent(agent, a -> new TreeMap<>());
            ContextSnapshot s = new ContextSnapshot(agent, own.isEmpty() ? 1 : own.lastKey() + 1, created,
                    data.length, messages, generations);
            put(s, data);
            return s;
        }

        @Override
        public synchronized boolean put(ContextSnapshot s, byte[] data) {
            if (infos.computeIfAbsent(s.agent(), a -> new TreeMap<>()).putIfAbsent(s.id(), s) != null) {
                return false;
            }
            bytes.computeIfAbsent(s.agent(), a -> new TreeMap<>()).put(s.id(), data.clone());
            return true;
        }

        @Override
        public synchronized List<ContextSnapshot> list(String agent) {
            return List.copyOf(infos.getOrDefault(agent, new TreeMap<>()).values());
        }

        @Override
        public synchronized Optional<byte[]> read(String agent, long id) {
            return Optional.ofNullable(bytes.getOrDefault(agent, new TreeMap<>()).get(id)).map(byte[]::clone);
        }
    }

    @Test
    void anArchiveTakesTheSnapshotFiles_keepingTheirNumbers_andTakesNewSnapshots() throws Exception {
        SnapshotStore store = new SnapshotStore(dir);
        SnapshotFile f = SnapshotFileTest.sample();
        byte[] bytes = f.encode();
        store.save(f, bytes);
        store.save(f, bytes);
        Files.write(dir.resolve("alice/2.ctx"), java.util.Arrays.copyOf(bytes, 10)); // damaged: stays a file
        MemoryArchive archive = new MemoryArchive();
        archive.put(new ContextSnapshot("alice", 1, Instant.EPOCH, 1, 0, 0), new byte[] {1}); // number 1 is taken

        List<String> problems = store.useArchive(archive);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith(dir.resolve("alice/2.ctx").toString()), problems.toString());
        assertTrue(Files.exists(dir.resolve("alice/2.ctx")), "a file that could not move stays");
        assertTrue(Files.notExists(dir.resolve("alice/1.ctx")), "a moved file is deleted");
        assertEquals(List.of(1L, 2L), store.list("alice").stream().map(ContextSnapshot::id).toList(),
                "the taken number 1 made the file's snapshot 2");
        assertEquals(f.conversation(), store.load("alice", 2L).file().conversation());
        assertEquals(3, store.save(f, bytes).id(), "new snapshots go to the archive");
        assertEquals(3, archive.list("alice").size());
        assertTrue(store.where().contains("storage manager"), store.where());

        store.useArchive(null);
        assertEquals(List.of(2L), store.list("alice").stream().map(ContextSnapshot::id).toList(),
                "without the archive, the files are what there is");
    }

    @Test
    void snapshotsAreNumberedFromOne_andFoundAgainByANewStore() throws Exception {
        SnapshotStore store = new SnapshotStore(dir);
        SnapshotFile f = SnapshotFileTest.sample();
        byte[] bytes = f.encode();
        assertEquals(1, store.save(f, bytes).id());
        assertEquals(2, store.save(f, bytes).id());
        Files.writeString(dir.resolve("alice/3.ctx.tmp"), "left by a crash mid-write");

        SnapshotStore again = new SnapshotStore(dir);
        List<ContextSnapshot> listed = again.list("alice");
        assertEquals(List.of(1L, 2L), listed.stream().map(ContextSnapshot::id).toList());
        assertEquals(2, listed.getFirst().generations());
        assertEquals(3, listed.getFirst().messages());
        assertEquals(2L * bytes.length, again.bytes("alice"));
        assertEquals(2, again.load("alice", null).info().id(), "the newest by default");
        assertEquals(f.conversation(), again.load("alice", 1L).file().conversation());
        assertEquals(List.of(), again.list("bob"));
    }

    @Test
    void missingDamagedAndForeignSnapshotsAreRefusedSayingWhich() throws Exception {
        SnapshotStore store = new SnapshotStore(dir);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> store.load("alice", null));
        assertTrue(none.getMessage().contains("agent 'alice' has no saved context"), none.getMessage());

        SnapshotFile f = SnapshotFileTest.sample();
        store.save(f, f.encode());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> store.load("alice", 7L));
        assertTrue(unknown.getMessage().contains("agent 'alice' has no snapshot 7; it has [1]"), unknown.getMessage());

        Path file = dir.resolve("alice/1.ctx");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class,
                () -> new SnapshotStore(dir).load("alice", 1L));
        assertTrue(damaged.getMessage().contains(file + " is damaged or truncated"), damaged.getMessage());

        Files.createDirectories(dir.resolve("bob"));
        Files.write(dir.resolve("bob/1.ctx"), bytes); // alice's context under bob's name
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> new SnapshotStore(dir).load("bob", 1L));
        assertTrue(foreign.getMessage().contains("holds the context of agent 'alice', not of 'bob'"), foreign.getMessage());
    }

    @Test
    void agentNamesCannotReachOutsideTheDirectory() throws Exception {
        SnapshotStore store = new SnapshotStore(dir);
        for (String name : new String[] {"..", "../etc", "/tmp", "a/b", ".hidden", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> store.list(name));
            assertTrue(e.getMessage().contains("is not valid"), e.getMessage());
        }
    }

    @Test
    void agentsOwnLimitsAreKeptAcrossRestarts_andRemovedOnReset() throws Exception {
        SnapshotStore store = new SnapshotStore(dir);
        ResourceLimits l = new ResourceLimits(500, 20, Duration.ofSeconds(90), 1 << 20);
        store.setLimits("alice", l);
        store.setLimits("bob", ResourceLimits.NONE.withSyscalls(3));
        assertEquals(l, new SnapshotStore(dir).limits().get("alice"));
        store.setLimits("alice", null);
        assertEquals(List.of("bob"), List.copyOf(new SnapshotStore(dir).limits().keySet()));

        Files.writeString(dir.resolve("limits.properties"), "carol.tokens=many\n");
        java.io.IOException bad = assertThrows(java.io.IOException.class, () -> new SnapshotStore(dir));
        assertTrue(bad.getMessage().contains("the limits of agent 'carol' are not valid: carol.tokens = 'many' is not a"
                + " whole number"), bad.getMessage());
    }
}
