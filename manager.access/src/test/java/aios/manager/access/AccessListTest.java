package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.Resource;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AccessListTest {

    private final AccessList initial = AccessList.initial();

    @Test
    void aNewAgent_hasItsOwnDataOnly_andNoTools() {
        EffectivePermissions e = initial.effective("newcomer");
        assertEquals(Set.of(Resource.LLM, Resource.MEMORY, Resource.STORAGE), e.syscalls());
        assertFalse(e.syscall(Resource.TOOL));
        assertFalse(e.tool("calc"));
        assertFalse(e.mount("shared"));
        assertFalse(e.approveIrreversible());
        assertEquals(Set.of("default"), initial.grantsOf("newcomer").groups());
    }

    @Test
    void permissionsParseInEveryForm_andUnknownOnesAreRefusedNamingTheForms() {
        for (String p : List.of("syscall:llm", "syscall:memory", "syscall:storage", "syscall:tool", "syscall:*",
                "tool:calc", "tool:*", "mount:shared", "mount:*", "approve:irreversible")) {
            assertEquals(p, Permission.parse(p).text());
        }
        for (String bad : List.of("tool", "tool:", "syscall:disk", "mount:../x", "approve:all", "root", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Permission.parse(bad));
            assertTrue(e.getMessage().startsWith("unknown permission '" + bad + "'"), e.getMessage());
            assertTrue(e.getMessage().contains("syscall:llm") && e.getMessage().contains("@GROUP"), e.getMessage());
        }
    }

    @Test
    void aFirstGrant_keepsTheDefaultGroup_andAddsToIt() {
        AccessList l = initial.grant("alice", List.of("syscall:tool", "tool:calc"));
        EffectivePermissions e = l.effective("alice");
        assertTrue(e.syscall(Resource.LLM), "alice keeps what the default group gives");
        assertTrue(e.syscall(Resource.TOOL));
        assertTrue(e.tool("calc"));
        assertFalse(e.tool("rm"));
        assertFalse(initial.effective("alice").tool("calc"), "the old list is unchanged");
        assertEquals(Map.of("syscall:llm", List.of("@default"), "syscall:memory", List.of("@default"),
                "syscall:storage", List.of("@default"), "syscall:tool", List.of("own"), "tool:calc", List.of("own")),
                l.sources("alice"));
    }

    @Test
    void groupsBundleGrants_forEveryMember() {
        AccessList l = initial.grant("@ops", List.of("syscall:tool", "tool:*"))
                .grant("alice", List.of("@ops")).grant("bob", List.of("mount:shared"));
        assertTrue(l.effective("alice").tool("anything"));
        assertFalse(l.effective("bob").tool("anything"));
        assertTrue(l.effective("bob").mount("shared"));
        assertEquals(List.of("alice"), l.members("ops"));
        AccessList fewer = l.revoke("@ops", List.of("tool:*"));
        assertFalse(fewer.effective("alice").tool("anything"));
    }

    @Test
    void revokingTheDefaultGroup_leavesAnAgentWithNothing() {
        AccessList l = initial.revoke("alice", List.of("@default"));
        EffectivePermissions e = l.effective("alice");
        assertEquals(Set.of(), e.all());
        assertTrue(l.effective("bob").syscall(Resource.LLM));
    }

    @Test
    void badInput_isRefusedNamingItAndWhatToDo_andChangesNothing() {
        AccessList l = initial.grant("@ops", List.of("tool:calc")).grant("alice", List.of("@ops"));
        assertEquals("there is no group 'nope': create it by granting it a permission (acl:grant @nope PERMISSION),"
                + " or use one of @default, @ops", assertThrows(IllegalArgumentException.class,
                () -> l.grant("alice", List.of("tool:x", "@nope"))).getMessage());
        assertFalse(l.effective("alice").tool("x"), "nothing of a refused grant is applied");
        assertEquals("agent 'alice' has tool:calc through group @ops, not as a grant of its own: revoke it from the"
                + " group (acl:revoke @ops tool:calc) or take the agent out of it (acl:revoke alice @ops)",
                assertThrows(IllegalArgumentException.class, () -> l.revoke("alice", List.of("tool:calc")))
                        .getMessage());
        assertEquals("agent 'alice' has no grant tool:rm to revoke; acl:show alice lists what it has",
                assertThrows(IllegalArgumentException.class, () -> l.revoke("alice", List.of("tool:rm"))).getMessage());
        AccessList wide = l.grant("@ops", List.of("tool:*"));
        assertEquals("agent 'alice' has no grant tool:rm to revoke; it has tool:* (from @ops), which covers it: revoke"
                + " that, and grant what should stay; acl:show alice lists what it has",
                assertThrows(IllegalArgumentException.class, () -> wide.revoke("alice", List.of("tool:rm"))).getMessage());
        assertEquals("agent 'alice' is not in group 'admins' (its groups: default, ops)",
                assertThrows(IllegalArgumentException.class, () -> l.revoke("alice", List.of("@admins"))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.grant("@ops", List.of("@default")))
                .getMessage().contains("a group holds permissions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.grant("al ice", List.of("tool:x")))
                .getMessage().startsWith("'al ice' is not an agent name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> l.grant("alice", List.of()))
                .getMessage().startsWith("acl:grant alice needs at least one permission or @GROUP"));
    }

    @Test
    void aGroupWithoutPermissionsOrMembers_goesAway_butDefaultStays() {
        AccessList l = initial.grant("@tmp", List.of("tool:x")).revoke("@tmp", List.of("tool:x"));
        assertTrue(l.groups().stream().noneMatch(g -> g.name().equals("tmp")));
        AccessList d = initial.revoke("@default", List.of("syscall:llm", "syscall:memory", "syscall:storage"));
        assertTrue(d.groups().stream().anyMatch(g -> g.name().equals("default")));
        assertFalse(d.effective("anyone").syscall(Resource.LLM), "a stricter default reaches every new agent");
    }
}
