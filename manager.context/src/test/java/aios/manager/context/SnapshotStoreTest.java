package aios.manager.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.context.ContextSnapshot;
import aios.kernel.api.context.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {

    @TempDir
    Path dir;

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
