package aios.scheduler.sjf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.scheduling.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShortestJobFirstTest {

    private static final long MS = 1_000_000L;

    private static TestTask task(long id, long costMillis) {
        return TestTask.of(id, "a").costing(costMillis * MS);
    }

    private static List<Long> pollAll(ShortestJobFirst p) {
        List<Long> ids = new ArrayList<>();
        for (Task t; (t = p.poll()) != null;) {
            ids.add(t.id());
        }
        return ids;
    }

    @Test
    void theShortestJobRunsFirst() {
        ShortestJobFirst p = new ShortestJobFirst();
        p.configure(Map.of());
        p.offer(task(1, 900));
        p.offer(task(2, 5));
        p.offer(task(3, 120));
        p.offer(task(4, 0));
        p.offer(task(5, 30_000));
        assertEquals(List.of(4L, 2L, 3L, 1L, 5L), pollAll(p));
    }

    @Test
    void equalEstimatesRunInArrivalOrder() {
        ShortestJobFirst p = new ShortestJobFirst();
        // offered out of order, as after a policy switch that raced with submit
        for (long id : new long[] {5, 3, 1, 4, 2}) {
            p.offer(task(id, 10));
        }
        p.offer(task(6, 9));
        assertEquals(List.of(6L, 1L, 2L, 3L, 4L, 5L), pollAll(p));
    }

    @Test
    void aShortJobArrivingLaterOvertakesLongOnesAlreadyWaiting() {
        ShortestJobFirst p = new ShortestJobFirst();
        p.offer(task(1, 500));
        p.offer(task(2, 400));
        assertEquals(2, p.poll().id());
        p.offer(task(3, 1));
        assertEquals(List.of(3L, 1L), pollAll(p));
    }

    @Test
    void drainReturnsEveryWaitingTaskAndLeavesNone() {
        ShortestJobFirst p = new ShortestJobFirst();
        for (long id = 1; id <= 100; id++) {
            p.offer(task(id, id % 10));
        }
        p.poll();
        List<Task> drained = p.drain();
        assertEquals(99, drained.size());
        assertEquals(99, drained.stream().mapToLong(Task::id).distinct().count());
        assertEquals(0, p.size());
        assertNull(p.poll());
    }

    @Test
    void aRemovedTaskIsNeverPolled() {
        ShortestJobFirst p = new ShortestJobFirst();
        TestTask shortest = task(2, 1);
        p.offer(task(1, 50));
        p.offer(shortest);
        p.offer(task(3, 20));
        assertTrue(p.remove(shortest));
        assertFalse(p.remove(shortest), "a task is removed once");
        assertFalse(p.remove(task(9, 1)), "a task that never waited here");
        assertEquals(List.of(3L, 1L), pollAll(p));
    }

    @Test
    void sizeTracksOffersPollsAndRemoves() {
        ShortestJobFirst p = new ShortestJobFirst();
        assertEquals(0, p.size());
        assertNull(p.poll());
        TestTask longest = task(3, 99);
        p.offer(task(1, 1));
        p.offer(task(2, 2));
        p.offer(longest);
        assertEquals(3, p.size());
        assertEquals(1, p.poll().id());
        assertEquals(2, p.size());
        p.remove(longest);
        assertEquals(1, p.size());
        p.remove(longest);
        assertEquals(1, p.size(), "removing a task that is not waiting changes nothing");
        p.poll();
        assertEquals(0, p.size());
        assertNull(p.poll());
    }

    @Test
    void anyParameterIsRejectedWithItsKeyAndValue() {
        ShortestJobFirst p = new ShortestJobFirst();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("aging.rate", "2")));
        assertTrue(e.getMessage().contains("aging.rate=2"), e.getMessage());
        assertTrue(e.getMessage().contains("no parameters"), e.getMessage());
    }
}
