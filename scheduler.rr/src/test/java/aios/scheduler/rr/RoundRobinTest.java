package aios.scheduler.rr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.SchedulingPolicyContract;
import aios.kernel.api.scheduling.TestTask;
import aios.kernel.api.scheduling.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoundRobinTest extends SchedulingPolicyContract {

    @Override
    protected SchedulingPolicy newPolicy() {
        return new RoundRobin();
    }


    private long nextId = 1;

    /** A new task of {@code agent}, arriving now (ids increase in arrival order). */
    private TestTask task(String agent) {
        return TestTask.of(nextId++, agent);
    }

    /** The agents of the tasks polled (agents are named by one letter); {@code -} for none. */
    private static String pollAgents(RoundRobin p, int polls) {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < polls; i++) {
            Task t = p.poll();
            order.append(t == null ? "-" : t.agent());
        }
        return order.toString();
    }

    @Test
    void threeAgentsWithThreeTwoAndOneTasksTakeTurns() {
        RoundRobin p = new RoundRobin();
        p.configure(Map.of());
        for (String agent : new String[] {"A", "A", "A", "B", "B", "C"}) {
            p.offer(task(agent));
        }
        assertEquals("ABCABA-", pollAgents(p, 7));
    }

    @Test
    void eachAgentsTasksRunInArrivalOrder() {
        RoundRobin p = new RoundRobin();
        TestTask a1 = task("A");
        TestTask a2 = task("A");
        TestTask b1 = task("B");
        p.offer(a2); // offered out of order, as after a policy switch that raced with submit
        p.offer(b1);
        p.offer(a1);
        assertEquals(a1, p.poll());
        assertEquals(b1, p.poll());
        assertEquals(a2, p.poll());
    }

    @Test
    void anAgentThatRunsOutRejoinsAtTheEnd() {
        RoundRobin p = new RoundRobin();
        for (String agent : new String[] {"A", "B", "B", "C"}) {
            p.offer(task(agent));
        }
        assertEquals("A", pollAgents(p, 1));
        p.offer(task("A"));
        assertEquals("BCAB-", pollAgents(p, 5));
    }

    @Test
    void anAgentWithAThousandTasksGetsOneTurnInTwo() {
        RoundRobin p = new RoundRobin();
        for (int i = 0; i < 1_000; i++) {
            p.offer(task("A"));
        }
        assertEquals("AAA", pollAgents(p, 3));
        p.offer(task("B"));
        p.offer(task("B"));
        assertEquals("ABABAA", pollAgents(p, 6));
    }

    @Test
    void removingAnAgentsOnlyTaskTakesItOutOfTheRotation() {
        RoundRobin p = new RoundRobin();
        p.offer(task("A"));
        TestTask b = task("B");
        p.offer(b);
        p.offer(task("C"));
        assertTrue(p.remove(b));
        assertFalse(p.remove(b), "a task is removed once");
        assertEquals(2, p.size());
        assertEquals("AC-", pollAgents(p, 3));
    }

    @Test
    void removingOneOfSeveralTasksKeepsTheAgentsPlace() {
        RoundRobin p = new RoundRobin();
        TestTask a1 = task("A");
        p.offer(a1);
        p.offer(task("A"));
        p.offer(task("B"));
        assertTrue(p.remove(a1));
        Task first = p.poll();
        assertEquals("A", first.agent());
        assertEquals(2, first.id());
        assertEquals("B-", pollAgents(p, 2));
    }

    @Test
    void drainReturnsEveryWaitingTaskInArrivalOrderAndStartsAfresh() {
        RoundRobin p = new RoundRobin();
        for (int i = 0; i < 30; i++) {
            p.offer(task(i % 3 == 0 ? "A" : "B"));
        }
        pollAgents(p, 4);
        List<Task> drained = p.drain();
        assertEquals(26, drained.size());
        for (int i = 1; i < drained.size(); i++) {
            assertTrue(drained.get(i - 1).id() < drained.get(i).id());
        }
        assertEquals(0, p.size());
        assertNull(p.poll());

        p.offer(task("B"));
        p.offer(task("A"));
        assertEquals("BA-", pollAgents(p, 3), "after a drain the rotation starts from who comes first");
    }

    @Test
    void sliceParametersHaveDefaultsAndCanBeSet() {
        RoundRobin p = new RoundRobin();
        assertEquals(16, p.sliceTokens());
        assertEquals(50, p.sliceMillis());
        p.configure(Map.of(RoundRobin.SLICE_TOKENS, "4", RoundRobin.SLICE_MS, " 20 "));
        assertEquals(4, p.sliceTokens());
        assertEquals(20, p.sliceMillis());
        p.configure(Map.of(RoundRobin.SLICE_MS, "1"));
        assertEquals(16, p.sliceTokens(), "a parameter left out is back to its default");
        assertEquals(1, p.sliceMillis());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"slice.tokens|0", "slice.tokens|-3", "slice.tokens|many", "slice.tokens|1.5",
            "slice.tokens|''", "slice.ms|0", "slice.ms|99999999999", "slice.ms|fast"})
    void badSlicesAreRejectedWithTheKeyAndValue(String key, String value) {
        RoundRobin p = new RoundRobin();
        p.configure(Map.of(RoundRobin.SLICE_TOKENS, "8", RoundRobin.SLICE_MS, "30"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of(key, value)));
        assertTrue(e.getMessage().contains(key + "='" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("integer >= 1"), e.getMessage());
        assertEquals(8, p.sliceTokens(), "a rejected configuration changes nothing");
        assertEquals(30, p.sliceMillis(), "a rejected configuration changes nothing");
    }

    @Test
    void unknownParametersAreRejected() {
        RoundRobin p = new RoundRobin();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("quantum", "10")));
        assertTrue(e.getMessage().contains("'quantum'"), e.getMessage());
        assertTrue(e.getMessage().contains(RoundRobin.SLICE_TOKENS), e.getMessage());
        assertTrue(e.getMessage().contains(RoundRobin.SLICE_MS), e.getMessage());
    }

    @Test
    void theSliceIsWhatTheKernelPreemptsBy() {
        RoundRobin p = new RoundRobin();
        p.configure(Map.of("slice.tokens", "4", "slice.ms", "25"));
        assertEquals(4, p.timeSliceTokens());
        assertEquals(25_000_000L, p.timeSliceNanos());
    }
}
