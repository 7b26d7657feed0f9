package aios.scheduler.edf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.SchedulingPolicyContract;
import aios.kernel.api.scheduling.TestTask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EarliestDeadlineFirstTest extends SchedulingPolicyContract {

    @Override
    protected SchedulingPolicy newPolicy() {
        return new EarliestDeadlineFirst();
    }


    private static final long SECOND = 1_000_000_000L;

    /** A task due {@code dueSeconds} after time 0. */
    private static TestTask due(long id, long dueSeconds) {
        return TestTask.of(id, "a").withDeadline(dueSeconds * SECOND);
    }

    private static TestTask noDeadline(long id) {
        return TestTask.of(id, "a");
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
    void anyParameterIsRejectedWithItsKeyAndValue() {
        EarliestDeadlineFirst p = new EarliestDeadlineFirst();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("slice.ms", "20")));
        assertTrue(e.getMessage().contains("slice.ms=20"), e.getMessage());
        assertTrue(e.getMessage().contains("no parameters"), e.getMessage());
    }
}
