package aios.kernel.api.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SchedulingPolicy} must do, whatever its order: hand out each offered task exactly once, forget
 * removed tasks, give everything back on drain, and count right. A policy's test extends this class and adds the
 * ordering tests of its own discipline. Third-party policies can run it too (this module's test jar).
 */
public abstract class SchedulingPolicyContract {

    /** A new instance, configured with its defaults. */
    protected abstract SchedulingPolicy newPolicy();

    /** Polls until the policy is empty; the ids in the order it gave them. */
    protected static List<Long> pollAll(SchedulingPolicy p) {
        List<Long> ids = new ArrayList<>();
        for (Task t; (t = p.poll()) != null;) {
            ids.add(t.id());
        }
        return ids;
    }

    /** A mix of agents, priorities, deadlines and costs, in arrival order. */
    protected static List<TestTask> mixedTasks(int n, long seed) {
        Random rnd = new Random(seed);
        List<TestTask> tasks = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            TestTask t = TestTask.of(i, "agent-" + rnd.nextInt(5)).withPriority(rnd.nextInt(5))
                    .costing(1 + rnd.nextInt(1_000_000));
            tasks.add(rnd.nextBoolean() ? t.withDeadline(i * 1_000_000_000L + rnd.nextInt(1_000_000_000)) : t);
        }
        return tasks;
    }

    @Test
    void anEmptyPolicyPollsNothingAndCountsZero() {
        SchedulingPolicy p = newPolicy();
        assertNull(p.poll());
        assertEquals(0, p.size());
        assertEquals(List.of(), p.drain());
    }

    @Test
    void everyOfferedTaskIsPolledExactlyOnce_withOffersAndPollsInterleaved() {
        SchedulingPolicy p = newPolicy();
        Random rnd = new Random(7);
        Set<Long> polled = new HashSet<>();
        int offered = 0;
        for (TestTask t : mixedTasks(2_000, 11)) {
            p.offer(t);
            offered++;
            while (rnd.nextInt(3) == 0 && p.size() > 0) {
                assertTrue(polled.add(p.poll().id()), "a task was handed out twice");
            }
            assertEquals(offered - polled.size(), p.size());
        }
        for (Task t; (t = p.poll()) != null;) {
            assertTrue(polled.add(t.id()), "a task was handed out twice");
        }
        assertEquals(offered, polled.size(), "every task was handed out");
        assertEquals(0, p.size());
    }

    @Test
    void drainReturnsEveryWaitingTaskOnce_andLeavesNone() {
        SchedulingPolicy p = newPolicy();
        List<TestTask> tasks = mixedTasks(300, 3);
        tasks.forEach(p::offer);
        Task first = p.poll();
        List<Task> drained = p.drain();
        assertEquals(299, drained.size());
        Set<Long> ids = new HashSet<>();
        drained.forEach(t -> ids.add(t.id()));
        assertEquals(299, ids.size(), "no task twice");
        assertFalse(ids.contains(first.id()), "not the one already polled");
        assertEquals(0, p.size());
        assertNull(p.poll());
    }

    @Test
    void aRemovedTaskIsNeverPolled_andIsRemovedOnce() {
        SchedulingPolicy p = newPolicy();
        List<TestTask> tasks = mixedTasks(50, 5);
        tasks.forEach(p::offer);
        Set<Long> removed = new HashSet<>();
        for (int i = 0; i < tasks.size(); i += 3) {
            assertTrue(p.remove(tasks.get(i)));
            assertFalse(p.remove(tasks.get(i)), "removed once only");
            removed.add(tasks.get(i).id());
        }
        assertFalse(p.remove(TestTask.of(999, "stranger")), "a task that never waited here");
        assertEquals(tasks.size() - removed.size(), p.size());
        for (Task t; (t = p.poll()) != null;) {
            assertFalse(removed.contains(t.id()), "removed task " + t.id() + " was polled");
        }
    }

    @Test
    void anUnknownParameterIsRefusedNamingIt() {
        SchedulingPolicy p = newPolicy();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("no.such.key", "1")));
        assertTrue(e.getMessage().contains("no.such.key"), e.getMessage());
    }

    @Test
    void noParametersMeansTheDefaults() {
        SchedulingPolicy p = newPolicy();
        p.configure(Map.of());
        p.offer(TestTask.of(1, "a"));
        assertEquals(1, p.poll().id());
    }
}
