package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    private static final Set<String> IRREVERSIBLE = Set.of("rm");

    private static AccessRules.Verdict check(AccessList l, Syscall s) {
        return AccessRules.check(l.effective(s.agent()), s, IRREVERSIBLE::contains);
    }

    private static String denied(AccessList l, Syscall s) {
        return assertInstanceOf(AccessRules.Deny.class, check(l, s)).reason();
    }

    @Test
    void everyKind_needsItsPermission_andTheReasonNamesItAndTheGrantCommand() {
        AccessList none = AccessList.initial().revoke("alice", List.of("@default"));
        assertEquals("agent 'alice' may not submit llm syscalls (use the models): it lacks permission syscall:llm;"
                + " grant it with acl:grant alice syscall:llm", denied(none, LlmQuery.chat("alice", "hi")));
        assertEquals("agent 'alice' may not submit memory syscalls (use its memory notes): it lacks permission"
                + " syscall:memory; grant it with acl:grant alice syscall:memory",
                denied(none, new MemoryQuery("alice", new MemoryOperation.Get("1"))));
        assertEquals("agent 'alice' may not submit storage syscalls (use its files): it lacks permission"
                + " syscall:storage; grant it with acl:grant alice syscall:storage",
                denied(none, new StorageQuery("alice", new StorageOperation.Read("a.txt"))));
        assertEquals("agent 'alice' may not call tool 'calc': it lacks permissions syscall:tool, tool:calc; grant them"
                + " with acl:grant alice syscall:tool tool:calc",
                denied(none, new ToolQuery("alice", new ToolCall(null, "calc", "{}"))));
    }

    @Test
    void theDefault_isOwnDataWithoutTools() {
        AccessList l = AccessList.initial();
        assertEquals(AccessRules.ALLOW, check(l, LlmQuery.chat("alice", "hi")));
        assertEquals(AccessRules.ALLOW, check(l, new MemoryQuery("alice", new MemoryOperation.Remove("1"))));
        assertEquals(AccessRules.ALLOW, check(l, new StorageQuery("alice", new StorageOperation.Delete("a.txt"))));
        assertEquals(AccessRules.ALLOW, check(l, new StorageQuery("alice", new StorageOperation.Read("/alice/a.txt"))));
        assertEquals("agent 'alice' may not reach storage namespace 'bob' (path '/bob/a.txt'): it lacks permission"
                + " mount:bob; grant it with acl:grant alice mount:bob",
                denied(l, new StorageQuery("alice", new StorageOperation.Read("/bob/a.txt"))));
        assertEquals("agent 'alice' may not call tool 'calc': it lacks permissions syscall:tool, tool:calc; grant them"
                + " with acl:grant alice syscall:tool tool:calc",
                denied(l, new ToolQuery("alice", new ToolCall(null, "calc", "{}"))));
    }

    @Test
    void toolsAndMounts_areAllowedExactlyAsGranted() {
        AccessList l = AccessList.initial().grant("alice", List.of("syscall:tool", "tool:calc", "mount:shared"));
        assertEquals(AccessRules.ALLOW, check(l, new ToolQuery("alice", new ToolCall(null, "calc", "{}"))));
        assertEquals("agent 'alice' may not call tools 'calc', 'rm': it lacks permission tool:rm; grant it with"
                + " acl:grant alice tool:rm", denied(l, new ToolQuery("alice", List.of(new ToolCall(null, "calc", "{}"),
                new ToolCall(null, "rm", "{}")), null)));
        assertEquals(AccessRules.ALLOW, check(l, new StorageQuery("alice", new StorageOperation.Write("/shared/x", "y"))));
        denied(l, new StorageQuery("alice", new StorageOperation.Write("/bob/x", "y")));
        AccessList all = l.grant("alice", List.of("mount:*", "tool:*"));
        assertEquals(AccessRules.ALLOW, check(all, new StorageQuery("alice", new StorageOperation.List("/bob"))));
        assertEquals(AccessRules.ALLOW, check(all, new ToolQuery("alice", new ToolCall(null, "rm", "{}"))));
    }

    @Test
    void pathsLeavingANamespace_areDeniedWhateverTheGrants() {
        AccessList all = AccessList.initial().grant("alice", List.of("syscall:*", "mount:*"));
        assertEquals("storage path '../bob/x' of agent 'alice' has a '..' segment, which no grant allows: name files"
                + " from the namespace's top (relative for the agent's own, /NAME/… for another)",
                denied(all, new StorageQuery("alice", new StorageOperation.Read("../bob/x"))));
        denied(all, new StorageQuery("alice", new StorageOperation.Read("/shared/../bob/x")));
        denied(all, new StorageQuery("alice", new StorageOperation.Mount("a\0b")));
    }

    @Test
    void withApproveIrreversible_irreversibleOperationsWaitForAnOperator() {
        AccessList l = AccessList.initial().grant("alice", List.of("approve:irreversible", "syscall:tool", "tool:*",
                "mount:shared"));
        String because = "is irreversible and agent 'alice' has approve:irreversible";
        assertEquals(new AccessRules.Approve("deleting 'a.txt'", because),
                check(l, new StorageQuery("alice", new StorageOperation.Delete("a.txt"))));
        assertEquals(new AccessRules.Approve("rolling back '/shared/plan'", because),
                check(l, new StorageQuery("alice", new StorageOperation.Rollback("/shared/plan", 1, null))));
        assertEquals(new AccessRules.ApproveIfOverwrite("/shared/d", "plan", "overwriting '/shared/d/plan'", because),
                check(l, new StorageQuery("alice", new StorageOperation.Write("/shared/d/plan", "x"))));
        assertEquals(new AccessRules.ApproveIfOverwrite("", "plan", "overwriting 'plan'", because),
                check(l, new StorageQuery("alice", new StorageOperation.Write("plan", "x"))));
        assertEquals(new AccessRules.Approve("removing memory note '7'", because),
                check(l, new MemoryQuery("alice", new MemoryOperation.Remove("7"))));
        assertEquals(new AccessRules.Approve("replacing memory note '7'", because),
                check(l, new MemoryQuery("alice", new MemoryOperation.Update("7", "new", null))));
        assertEquals(new AccessRules.Approve("calling tool 'rm'", "cannot be undone (the tool is not reversible) and"
                + " agent 'alice' has approve:irreversible"),
                check(l, new ToolQuery("alice", List.of(new ToolCall(null, "calc", "{}"), new ToolCall(null, "rm",
                        "{}")), null)));
        // reading, adding, creating and reversible tools run at once
        assertEquals(AccessRules.ALLOW, check(l, new StorageQuery("alice", new StorageOperation.Read("a.txt"))));
        assertEquals(AccessRules.ALLOW, check(l, new StorageQuery("alice", new StorageOperation.CreateFile("b"))));
        assertEquals(AccessRules.ALLOW, check(l, new MemoryQuery("alice", new MemoryOperation.Add("n", null))));
        assertEquals(AccessRules.ALLOW, check(l, new ToolQuery("alice", new ToolCall(null, "calc", "{}"))));
        // a denial comes before any approval
        assertInstanceOf(AccessRules.Deny.class, check(l, new StorageQuery("alice", new StorageOperation.Delete(
                "/bob/x"))));
    }
}
