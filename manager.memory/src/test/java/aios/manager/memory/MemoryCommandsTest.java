package aios.manager.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemoryCommandsTest {

    private final TermFrequencyNoteStore store = new TermFrequencyNoteStore();
    private final AgentMemories memories = new AgentMemories(store, new MemorySettings(100, 30, 100, 0.2,
            Duration.ofHours(24)), new TestClock());
    private final MemoryCommands shell = new MemoryCommands(memories);

    private String add(String agent, String content, Map<String, String> metadata) {
        return memories.execute(new MemoryQuery(agent, new MemoryOperation.Add(content, metadata))).id();
    }

    @Test
    void statShowsEachAgentAndTheTotals() {
        assertEquals("no agent has used memory since the kernel started\nmemory: 0 notes, 0 bytes, limit 30 (0.0 % "
                + "used, eviction down to 100 %); 0 evicted, 0 reloaded from the note store\n", shell.stat());
        add("alice", "0123456789", Map.of());
        add("alice", "0123456789", Map.of());
        add("bob", "0123456789", Map.of());
        add("bob", "0123456789", Map.of());
        assertEquals("""
                AGENT  IN MEMORY  BYTES  STORED  STORED BYTES  QUOTA  QUOTA USED  EVICTED  RELOADED
                alice  1          10     2       20            100    20.0 %      1        0
                bob    2          20     2       20            100    20.0 %      0        0
                memory: 3 notes, 30 bytes, limit 30 (100.0 % used, eviction down to 100 %); 1 evicted, 0 reloaded \
                from the note store
                """, shell.stat());
    }

    @Test
    void lsFindAndEvict() {
        String first = add("alice", "the first note, about cats", Map.of("tags", "pets"));
        String second = add("alice", "the second note", Map.of());
        String ls = shell.ls(100, "alice");
        assertTrue(ls.startsWith("ID            BYTES  IN MEMORY  UPDATED"), ls);
        assertTrue(ls.contains(first + "  34     no ") && ls.contains("{tags=pets}  the first note, about cats"), ls);
        assertTrue(ls.contains(second + "  15     yes"), ls);
        assertEquals("agent 'bob' has no memory notes\n", shell.ls(100, "bob"));

        assertEquals("SCORE  ID            METADATA     CONTENT\n1.000  " + first
                + "  {tags=pets}  the first note, about cats\n", shell.find(10, "", "alice", "cats"));
        assertEquals("no note of agent 'alice' matches\n", shell.find(10, "work", "alice", "cats"));

        assertEquals("evicted 1 notes (15 bytes) of 1 agents; memory holds 0 bytes of its limit 30\n",
                shell.evict(0));
        assertEquals("evicted 0 notes (0 bytes) of 0 agents; memory holds 0 bytes of its limit 30\n",
                shell.evict(-1));
    }
}
