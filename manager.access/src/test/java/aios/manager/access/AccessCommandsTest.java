package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessCommandsTest {

    @TempDir
    Path dir;
    private AccessManager access;
    private AccessCommands acl;

    @BeforeEach
    void start() {
        access = new AccessManager(dir, Duration.ofMinutes(5), Set.of("alice", "bob")::contains);
        acl = new AccessCommands(access);
    }

    @AfterEach
    void stop() {
        access.deactivate();
    }

    @Test
    void grantShowAndRevoke() {
        assertEquals("agent alice: groups default; own grants syscall:tool tool:calc; may now: syscall:llm"
                + " syscall:memory syscall:storage syscall:tool tool:calc\n", acl.grant("alice", "syscall:tool", "tool:calc"));
        assertEquals("""
                agent alice: registered; groups default
                PERMISSION       FROM
                syscall:llm      @default
                syscall:memory   @default
                syscall:storage  @default
                syscall:tool     own
                tool:calc        own
                irreversible operations: run without approval
                API tokens: none
                """, acl.show("alice"));
        assertTrue(acl.show("bob").startsWith("agent bob: registered; no grants of its own, so in group default\n"));
        assertEquals("agent alice: groups default; own grants syscall:tool; may now: syscall:llm syscall:memory"
                + " syscall:storage syscall:tool\n", acl.revoke("alice", "tool:calc"));
        assertEquals("agent alice: groups none; own grants syscall:tool; may now: syscall:tool\n",
                acl.revoke("alice", "@default"));
        assertEquals("agent alice: groups none; own grants none; may now: nothing\n", acl.revoke("alice",
                "syscall:tool"));
        assertTrue(acl.ls().contains("alice  none    none"), acl.ls());
    }

    @Test
    void groups() {
        assertEquals("group ops: syscall:tool tool:*\n", acl.grant("@ops", "tool:*", "syscall:tool"));
        acl.grant("alice", "@ops");
        assertEquals("""
                GROUP    PERMISSIONS                                 MEMBERS
                default  syscall:llm syscall:memory syscall:storage  agents without grants of their own, alice
                ops      syscall:tool tool:*                         alice
                """, acl.groups());
    }

    @Test
    void badInput_saysWhatToTypeAndChangesNothing() throws Exception {
        acl.grant("alice", "tool:calc");
        String before = Files.readString(dir.resolve("acl.txt"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> acl.grant("alice", "tool:x", "superuser"))
                .getMessage().startsWith("unknown permission 'superuser'; use syscall:llm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> acl.show("carol")).getMessage()
                .startsWith("agent 'carol' is not registered and has no grants"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> acl.approve("42")).getMessage()
                .startsWith("no syscall waits for approval '42'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> acl.token("create", "carol")).getMessage()
                .startsWith("agent 'carol' is not registered"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> acl.token("revoke", "t9")).getMessage()
                .startsWith("there is no token 't9'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> acl.token()).getMessage()
                .contains("acl:token create AGENT"));
        assertEquals(before, Files.readString(dir.resolve("acl.txt")));
    }

    @Test
    void pendingApproveAndDeny() throws Exception {
        acl.grant("alice", "approve:irreversible");
        assertEquals("no syscall waits for approval\n", acl.pending());
        var first = access.check(new StorageQuery("alice", new StorageOperation.Delete("a.txt")));
        var second = access.check(new StorageQuery("alice", new StorageOperation.Rollback("b.txt", 1, null)));
        String pending = acl.pending();
        assertTrue(pending.startsWith("ID  AGENT  KIND              WAITING  DENIED IN  WHAT\n"), pending);
        assertTrue(pending.lines().anyMatch(l -> l.matches("1 +alice +storage.delete +0s +(5m|4m 59s) +deleting 'a.txt'")),
                pending);
        assertEquals("approved 1: deleting 'a.txt' (storage.delete of agent alice)\n", acl.approve("1"));
        assertEquals("denied 2: rolling back 'b.txt' (storage.rollback of agent alice)\n", acl.deny("2", "no", "way"));
        assertTrue(first.pending().outcome().toCompletableFuture().join().allowed());
        assertEquals("rolling back 'b.txt' was denied by an operator (acl:deny 2): no way",
                second.pending().outcome().toCompletableFuture().join().reason());
    }

    @Test
    void tokens() throws Exception {
        String created = acl.token("create", "alice");
        assertTrue(created.startsWith("token t1 for agent alice. It is shown this once; only its SHA-256 hash is kept:\n"
                + "aios_"), created);
        String token = created.lines().toList().get(1);
        assertEquals("agent alice", access.authenticate(token).orElseThrow().toString());
        assertTrue(acl.token("create", "--operator").startsWith("token t2 for operator."));
        assertTrue(acl.token("ls").contains("t1  agent alice"), acl.token("ls"));
        assertTrue(acl.show("alice").contains("API tokens: t1"));
        assertEquals("token t1 revoked: it authenticates nobody from now on\n", acl.token("revoke", "t1"));
        assertTrue(access.authenticate(token).isEmpty());
        assertTrue(!Files.readString(dir.resolve("tokens.txt")).contains(token));
    }
}
