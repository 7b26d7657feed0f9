package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.Principal;
import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolDescriptor;
import aios.kernel.api.tool.ToolManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessManagerTest {

    @TempDir
    Path dir;
    private AccessManager access;

    private AccessManager start() {
        access = new AccessManager(dir, Duration.ofMinutes(5), Set.of("alice", "bob")::contains);
        return access;
    }

    @AfterEach
    void stop() {
        if (access != null) {
            access.deactivate();
        }
    }

    /** A storage whose directories are given: path → entries. */
    record Listing(Map<String, List<String>> dirs) implements StorageManager {
        public StorageResult execute(StorageQuery q) {
            if (!(q.operation() instanceof StorageOperation.List l)) {
                throw new AssertionError("the access manager only lists, it asked " + q);
            }
            List<String> entries = dirs.get(l.path());
            if (entries == null) {
                throw new IllegalArgumentException("cannot list '" + l.path() + "': there is no such directory");
            }
            return new StorageResult("", null, entries, List.of(), 0);
        }
    }

    /** A tool manager that knows tools by name and reversibility, and runs none. */
    record Tools(List<ToolDescriptor> tools) implements ToolManager {
        static Tools of(String name, boolean reversible, Object... more) {
            List<ToolDescriptor> all = new java.util.ArrayList<>();
            all.add(descriptor(name, reversible));
            for (int i = 0; i < more.length; i += 2) {
                all.add(descriptor((String) more[i], (Boolean) more[i + 1]));
            }
            return new Tools(all);
        }

        private static ToolDescriptor descriptor(String name, boolean reversible) {
            return new ToolDescriptor(name, "", "{\"type\":\"object\"}", reversible, 1, Duration.ofSeconds(1));
        }

        public java.util.Optional<ToolDescriptor> tool(String name) {
            return tools.stream().filter(t -> t.name().equals(name)).findFirst();
        }

        public ToolResult.Outcome call(String agent, String callId, ToolCall call) {
            throw new AssertionError("the access manager runs no tool");
        }
    }

    private static AccessDecision outcome(AccessDecision d) throws Exception {
        return d.pending().outcome().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void grantsApplyAtOnce_andSurviveARestart() {
        start();
        assertFalse(access.check(new ToolQuery("alice", new ToolCall(null, "calc", "{}"))).allowed());
        access.grant("alice", List.of("syscall:tool", "tool:calc"));
        assertTrue(access.check(new ToolQuery("alice", new ToolCall(null, "calc", "{}"))).allowed());
        access.deactivate();
        start();
        assertTrue(access.check(new ToolQuery("alice", new ToolCall(null, "calc", "{}"))).allowed());
        assertTrue(access.check(LlmQuery.chat("alice", "hi")).allowed(), "alice keeps the default group");
    }

    @Test
    void grantingToAnAgentTheKernelDoesNotKnow_isRefusedAndWritesNothing() {
        start();
        assertEquals("agent 'bbo' is not registered and has no grants: check the name (aios:ps lists registered"
                + " agents), or register it first (aios:register bbo)", assertThrows(IllegalArgumentException.class,
                () -> access.grant("bbo", List.of("tool:calc"))).getMessage());
        assertFalse(Files.exists(dir.resolve("acl.txt")));
    }

    @Test
    void anIrreversibleOperation_waitsForAnOperator_whoApprovesIt() throws Exception {
        start().grant("alice", List.of("approve:irreversible"));
        AccessDecision d = access.check(new StorageQuery("alice", new StorageOperation.Delete("a.txt")));
        assertTrue(d.isPending());
        assertEquals("1", d.pending().approval());
        PendingApprovals.Approval a = access.approvals().list().getFirst();
        assertEquals("alice", a.agent());
        assertEquals("storage.delete", a.kind());
        assertEquals("deleting 'a.txt'", a.what());
        access.approve("1");
        assertTrue(outcome(d).allowed());
    }

    @Test
    void aWrite_waitsForAnOperatorOnlyWhenItOverwritesAFile() throws Exception {
        start().grant("alice", List.of("approve:irreversible", "mount:shared"));
        access.storage = new Listing(Map.of("", List.of("old.txt", "dir/"), "/shared", List.of("plan.md")));

        AccessDecision fresh = access.check(new StorageQuery("alice", new StorageOperation.Write("new.txt", "x")));
        assertTrue(fresh.isPending());
        assertNull(fresh.pending().approval(), "nobody is asked while the storage is looked at");
        assertTrue(outcome(fresh).allowed());
        assertTrue(access.check(new StorageQuery("alice", new StorageOperation.Write("no/such/dir.txt", "x")))
                .pending().outcome().toCompletableFuture().get(10, TimeUnit.SECONDS).allowed());
        assertEquals(0, access.approvals().list().size());

        AccessDecision over = access.check(new StorageQuery("alice", new StorageOperation.Write("/shared/plan.md", "x")));
        AccessDecision asked = outcome(over);
        assertTrue(asked.isPending());
        assertEquals("overwriting '/shared/plan.md'", access.approvals().list().getFirst().what());
        access.deny(asked.pending().approval(), "keep the plan");
        AccessDecision denied = outcome(asked);
        assertEquals("overwriting '/shared/plan.md' was denied by an operator (acl:deny 1): keep the plan",
                denied.reason());
    }

    @Test
    void withdrawingAWriteWhoseApprovalWasAsked_withdrawsTheApproval() throws Exception {
        start().grant("alice", List.of("approve:irreversible"));
        access.storage = new Listing(Map.of("", List.of("old.txt")));
        AccessDecision over = access.check(new StorageQuery("alice", new StorageOperation.Write("old.txt", "x")));
        outcome(over);
        assertEquals(1, access.approvals().list().size());
        over.pending().withdraw().run();
        assertEquals(0, access.approvals().list().size());
    }

    @Test
    void irreversibleTools_waitForApproval_reversibleOnesDoNot() throws Exception {
        start().grant("alice", List.of("approve:irreversible", "syscall:tool", "tool:*"));
        access.tools = Tools.of("calc", true, "rm", false);
        assertTrue(access.check(new ToolQuery("alice", new ToolCall(null, "calc", "{}"))).allowed());
        AccessDecision rm = access.check(new ToolQuery("alice", new ToolCall(null, "rm", "{}")));
        assertTrue(rm.isPending());
        assertTrue(rm.reason().startsWith("calling tool 'rm' cannot be undone (the tool is not reversible) and agent"
                + " 'alice' has approve:irreversible: it waits for an operator (acl:approve 1"), rm.reason());
        assertTrue(access.check(new ToolQuery("alice", new ToolCall(null, "unknown", "{}"))).isPending(),
                "a tool that is not installed counts as irreversible");
        assertEquals(List.of("rm"), access.irreversibleTools());
    }

    @Test
    void aDamagedAccessList_refusesEverySyscallNamingTheFile_untilReloaded() throws Exception {
        Path file = dir.resolve("acl.txt");
        Files.writeString(file, "aios-acl 1\ngroup default syscall:llm tool\n");
        start();
        AccessDecision d = access.check(LlmQuery.chat("alice", "hi"));
        assertFalse(d.allowed());
        assertTrue(d.reason().startsWith("access control cannot read its access list, so every syscall is refused: "
                + file + " line 2: unknown permission 'tool'"), d.reason());
        assertTrue(assertThrows(IllegalStateException.class, () -> access.grant("alice", List.of("tool:x")))
                .getMessage().contains(file + " line 2"));
        assertEquals("aios-acl 1\ngroup default syscall:llm tool\n", Files.readString(file), "nothing overwritten");
        assertEquals(1, access.reload().size());
        Files.writeString(file, "aios-acl 1\ngroup default syscall:llm\n");
        assertEquals(List.of(), access.reload());
        assertTrue(access.check(LlmQuery.chat("alice", "hi")).allowed());
        assertFalse(access.check(new StorageQuery("alice", new StorageOperation.Read("x"))).allowed());
    }

    @Test
    void aDamagedTokenFile_authenticatesNobody_andTheAccessListStillWorks() throws Exception {
        Files.writeString(dir.resolve("tokens.txt"), "not tokens\n");
        start();
        assertEquals(java.util.Optional.empty(), access.authenticate("aios_x"));
        assertTrue(assertThrows(IllegalStateException.class, () -> access.issue(Principal.ofOperator())).getMessage()
                .startsWith("API tokens are unavailable: " + dir.resolve("tokens.txt").toAbsolutePath()));
        assertTrue(access.check(LlmQuery.chat("alice", "hi")).allowed());
    }

    @Test
    void stopping_deniesWhatStillWaits() throws Exception {
        start().grant("alice", List.of("approve:irreversible"));
        AccessDecision d = access.check(new StorageQuery("alice", new StorageOperation.Delete("a.txt")));
        access.deactivate();
        access = null;
        assertEquals("deleting 'a.txt' was not decided: the access manager stopped before an operator decided",
                outcome(d).reason());
    }
}
