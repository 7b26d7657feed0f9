package aios.scheduler.edf;

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

class EarliestDeadlineFirstTest {

    private static final long SECOND = 1_000_000_000L;

    /** A task due {@code dueSeconds} after time 0. */
    private static TestTask due(long id, long dueSeconds) {
        return TestTask.of(id, "a").withDeadline(dueSeconds * SECOND);
    }

    private static TestTask noDeadline(long id) {
        return TestTask.of(id, "a");
    }

    private static List<Long> pollAll(EarliestDeadlineFirst p) {
        List<Long> ids = new ArrayList<>();
        for (Task t; (t = p.poll()) != null;) {
            ids.add(t.id());
        }
        return ids;
    }

    @Test
    void theEarliestDeadlineRunsFirst() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        p.configure(Map.of());
        p.offer(due(1, 30));
        p.offer(due(2, 10));
        p.offer(due(3, 20));
        p.offer(due(4, 11));
        assertEquals(List.of(2L, 4L, 3L, 1L), pollAll(p));
    }

    @Test
    void tasksWithoutADeadlineRunAfterAllWithOneInArrivalOrder() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        p.offer(noDeadline(1));
        p.offer(due(2, 1_000_000)); // a far deadline is still a deadline
        p.offer(noDeadline(3));
        p.offer(due(4, 5));
        p.offer(noDeadline(5));
        assertEquals(List.of(4L, 2L, 1L, 3L, 5L), pollAll(p));
    }

    @Test
    void equalDeadlinesRunInArrivalOrder() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        for (long id : new long[] {4, 2, 3, 1}) {
            p.offer(due(id, 7));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), pollAll(p));
    }

    @Test
    void aTaskWithAPassedDeadlineIsNotDroppedAndComesFirst() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        p.offer(due(1, 100));
        p.offer(TestTask.of(2, "a").withDeadline(-5 * SECOND));
        assertEquals(List.of(2L, 1L), pollAll(p));
    }

    @Test
    void drainReturnsEveryWaitingTaskAndLeavesNone() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        for (long id = 1; id <= 100; id++) {
            p.offer(id % 3 == 0 ? noDeadline(id) : due(id, 200 - id));
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
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        TestTask soonest = due(2, 1);
        p.offer(noDeadline(1));
        p.offer(soonest);
        p.offer(due(3, 20));
        assertTrue(p.remove(soonest));
        assertFalse(p.remove(soonest), "a task is removed once");
        assertFalse(p.remove(due(9, 1)), "a task that never waited here");
        assertFalse(p.remove(noDeadline(10)), "a task that never waited here");
        assertEquals(List.of(3L, 1L), pollAll(p));
    }

    @Test
    void sizeTracksOffersPollsAndRemoves() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        assertEquals(0, p.size());
        assertNull(p.poll());
        TestTask whenever = noDeadline(3);
        p.offer(due(1, 1));
        p.offer(due(2, 2));
        p.offer(whenever);
        assertEquals(3, p.size());
        assertEquals(1, p.poll().id());
        assertEquals(2, p.size());
        p.remove(whenever);
        assertEquals(1, p.size());
        p.remove(whenever);
        assertEquals(1, p.size(), "removing a task that is not waiting changes nothing");
        p.poll();
        assertEquals(0, p.size());
        assertNull(p.poll());
    }

    @Test
    void anyParameterIsRejectedWithItsKeyAndValue() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("slice.ms", "20")));
        assertTrue(e.getMessage().contains("slice.ms=20"), e.getMessage());
        assertTrue(e.getMessage().contains("no parameters"), e.getMessage());
    }
}
