package aios.scheduler.fair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.SchedulingPolicyContract;
import aios.kernel.api.scheduling.TestTask;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WeightedFairShareTest extends SchedulingPolicyContract {

    @Override
    protected SchedulingPolicy newPolicy() {
        return new WeightedFairShare();
    }


    private static final long MS = 1_000_000L;

    private long nextId = 1;

    /** A new task of {@code agent}, arriving now (ids increase in arrival order). */
    private TestTask task(String agent, long costMillis) {
        return TestTask.of(nextId++, agent).costing(costMillis * MS);
    }

    private static WeightedFairShare policy(String weights) {
        WeightedFairShare p = new WeightedFairShare();
        p.configure(weights == null ? Map.of() : Map.of(WeightedFairShare.WEIGHTS, weights));
        return p;
    }

    /** The agents of the tasks polled, one letter each (agents are named by their first letter). */
    private static String pollAgents(WeightedFairShare p, int polls) {
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < polls; i++) {
            Task t = p.poll();
            order.append(t == null ? "-" : t.agent().substring(0, 1));
        }
        return order.toString();
    }

    @Test
    void equalAgentsTakeTurnsWhateverTheyQueued() {
        WeightedFairShare p = policy(null);
        for (int i = 0; i < 4; i++) {
            p.offer(task("alice", 1));
        }
        p.offer(task("bob", 1));
        p.offer(task("bob", 1));
        assertEquals("ababaa-", pollAgents(p, 7));
    }

    @Test
    void anAgentWithAThousandTasksCannotStarveOneWithASingleTask() {
        for (int head : new int[] {0, 1, 10, 500, 999}) {
            WeightedFairShare p = policy(null);
            for (int i = 0; i < 1_000; i++) {
                p.offer(task("alice", 1));
            }
            pollAgents(p, head);
            TestTask single = task("bob", 1);
            p.offer(single);
            Task first = p.poll();
            Task second = p.poll();
            assertTrue(first == single || second == single,
                    "after " + head + " of alice's tasks ran, bob's task came within 2 polls");
        }
    }

    @Test
    void weightsTwoToOneGiveTwoPollsToOne() {
        WeightedFairShare p = policy("alice:2,bob:1");
        for (int i = 0; i < 600; i++) {
            p.offer(task("alice", 5));
            p.offer(task("bob", 5));
        }
        int alice = 0;
        int bob = 0;
        for (int i = 0; i < 900; i++) {
            if (p.poll().agent().equals("alice")) {
                alice++;
            } else {
                bob++;
            }
            assertTrue(Math.abs(alice - 2 * bob) <= 2, "after " + (i + 1) + " polls: alice " + alice + ", bob " + bob);
        }
        assertEquals(600, alice);
        assertEquals(300, bob);
    }

    @Test
    void serviceIsSharedByCostNotByCount() {
        WeightedFairShare p = policy(null);
        for (int i = 0; i < 100; i++) {
            p.offer(task("alice", 30)); // each of alice's tasks is expected to take three times bob's
            p.offer(task("bob", 10));
            p.offer(task("bob", 10));
            p.offer(task("bob", 10));
        }
        assertEquals("abbbabbbabbb", pollAgents(p, 12));
    }

    @Test
    void anAgentSendingOneTaskAtATimeIsChargedLikeOneQueueingThemAll() {
        WeightedFairShare p = policy(null);
        for (int i = 0; i < 400; i++) {
            p.offer(task("alice", 10));
        }
        int bob = 0;
        TestTask bobsTask = null;
        for (int i = 0; i < 400; i++) {
            if (bobsTask == null) { // bob submits his next task as soon as the previous one was taken
                bobsTask = task("bob", 30);
                p.offer(bobsTask);
            }
            if (p.poll() == bobsTask) {
                bob++;
                bobsTask = null;
            }
        }
        assertTrue(bob >= 99 && bob <= 101, "bob's tasks cost three of alice's, so he gets a quarter of 400 polls,"
                + " not half: " + bob);
    }

    @Test
    void anIdleAgentKeepsItsDebtWhileOthersCompeteAndLosesItWhenTheQueueEmpties() {
        WeightedFairShare p = policy(null);
        for (int i = 0; i < 3_000; i++) {
            p.offer(task("alice", 1));
        }
        p.offer(task("bob", 10_000)); // bob runs one task ten thousand times as long as alice's
        assertEquals("ab", pollAgents(p, 2));

        // 1,500 other agents come and go meanwhile, so that idle agents are swept from the books
        for (int i = 0; i < 1_500; i++) {
            TestTask passing = task("c" + i, 1);
            p.offer(passing);
            String two = pollAgents(p, 2);
            assertTrue(two.contains("c"), two);
        }
        TestTask bobAgain = task("bob", 1);
        p.offer(bobAgain);
        List<Task> rest = new ArrayList<>();
        for (Task t; (t = p.poll()) != null;) {
            rest.add(t);
        }
        assertEquals(bobAgain, rest.getLast(), "bob still owes more than alice's remaining tasks are worth");

        p.offer(task("bob", 1));
        p.offer(task("alice", 1));
        assertEquals("ba", pollAgents(p, 2), "with the queue empty in between, bob's debt is gone");
    }

    @Test
    void removingATaskDoesNotChargeItsAgent() {
        WeightedFairShare p = policy(null);
        TestTask a1 = task("alice", 1);
        p.offer(a1);
        p.offer(task("alice", 1));
        p.offer(task("alice", 1));
        p.offer(task("bob", 1));
        p.offer(task("bob", 1));
        assertTrue(p.remove(a1));
        assertFalse(p.remove(a1), "a task is removed once");
        assertEquals("abab-", pollAgents(p, 5), "alice is not charged for the task that never ran");
    }

    @Test
    void removingAnAgentsLastTaskTakesItOutOfTheRunning() {
        WeightedFairShare p = policy(null);
        TestTask only = task("alice", 1);
        p.offer(only);
        p.offer(task("bob", 1));
        p.offer(task("bob", 1));
        assertTrue(p.remove(only));
        assertEquals(2, p.size());
        assertEquals("bb-", pollAgents(p, 3));
    }

    @Test
    void drainReturnsEveryWaitingTaskInArrivalOrderAndStartsAfresh() {
        WeightedFairShare p = policy(null);
        for (int i = 0; i < 50; i++) {
            p.offer(task("alice", 1));
            p.offer(task("bob", 100));
        }
        pollAgents(p, 10);
        List<Task> drained = p.drain();
        assertEquals(90, drained.size());
        for (int i = 1; i < drained.size(); i++) {
            assertTrue(drained.get(i - 1).id() < drained.get(i).id());
        }
        assertEquals(0, p.size());
        assertNull(p.poll());

        p.offer(task("bob", 100));
        p.offer(task("alice", 1));
        assertEquals("ba-", pollAgents(p, 3), "after a drain nobody carries a debt");
    }

    @Test
    void weightsAcceptSpacesAndUnlistedAgentsWeighOne() {
        WeightedFairShare p = policy(" alice : 3 , bob:1.5 ,");
        for (int i = 0; i < 30; i++) {
            p.offer(task("alice", 6));
            p.offer(task("bob", 6));
            p.offer(task("carol", 6));
        }
        String order = pollAgents(p, 33);
        assertEquals(18, order.chars().filter(c -> c == 'a').count(), order);
        assertEquals(9, order.chars().filter(c -> c == 'b').count(), order);
        assertEquals(6, order.chars().filter(c -> c == 'c').count(), order);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice:0", "alice:-1", "alice", ":2", "alice:two", "alice:NaN", "alice:Infinity",
            "alice:1,alice:2"})
    void badWeightsAreRejectedWithTheKeyAndValue(String value) {
        WeightedFairShare p = policy("alice:2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of(WeightedFairShare.WEIGHTS, value)));
        assertTrue(e.getMessage().contains("weights='" + value + "'"), e.getMessage());

        // and the previous weights still hold: alice, worth two, gets two polls for bob's one
        for (int i = 0; i < 3; i++) {
            p.offer(task("alice", 1));
        }
        for (int i = 0; i < 3; i++) {
            p.offer(task("bob", 1));
        }
        assertEquals("abaa", pollAgents(p, 4));
    }

    @Test
    void unknownParametersAreRejected() {
        WeightedFairShare p = new WeightedFairShare();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("weight", "alice:2")));
        assertTrue(e.getMessage().contains("'weight'"), e.getMessage());
        assertTrue(e.getMessage().contains("alice:2"), e.getMessage());
        assertTrue(e.getMessage().contains(WeightedFairShare.WEIGHTS + "=alice:2,bob:1"), e.getMessage());
    }
}
