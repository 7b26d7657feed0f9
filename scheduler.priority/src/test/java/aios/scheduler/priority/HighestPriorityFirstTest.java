package aios.scheduler.priority;

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
import org.junit.jupiter.params.provider.ValueSource;

class HighestPriorityFirstTest extends SchedulingPolicyContract {

    @Override
    protected SchedulingPolicy newPolicy() {
        return new HighestPriorityFirst();
    }


    private static final long SECOND = 1_000_000_000L;

    private static HighestPriorityFirst policy(String agingRate) {
        HighestPriorityFirst p = new HighestPriorityFirst();
        p.configure(agingRate == null ? Map.of() : Map.of(HighestPriorityFirst.AGING_RATE, agingRate));
        return p;
    }

    private static TestTask task(long id, int priority, long arrivalSeconds) {
        return TestTask.of(id, "a").withPriority(priority).arrivedAt(arrivalSeconds * SECOND);
    }

    @Test
    void higherPriorityRunsFirst() {
        HighestPriorityFirst p = policy(null);
        p.offer(task(1, 1, 1));
        p.offer(task(2, 50, 2));
        p.offer(task(3, 10, 3));
        p.offer(task(4, 30, 4));
        assertEquals(List.of(2L, 4L, 3L, 1L), pollAll(p));
    }

    @Test
    void equalPrioritiesRunInArrivalOrder() {
        HighestPriorityFirst p = policy("0");
        for (long id = 1; id <= 5; id++) {
            p.offer(task(id, 7, 0)); // same priority, same arrival instant: only the id separates them
        }
        p.offer(task(6, 8, 0));
        assertEquals(List.of(6L, 1L, 2L, 3L, 4L, 5L), pollAll(p));
    }

    @Test
    void anOldLowPriorityTaskOvertakesANewerUrgentOneOnceItHasWaitedLongEnough() {
        // Task 1 (priority 0) arrived at 0 s. At one point per second it is worth 10 once it has waited 10 s longer
        // than a priority-10 task.
        HighestPriorityFirst notYet = policy("1");
        notYet.offer(task(1, 0, 0));
        notYet.offer(task(2, 10, 3));
        assertEquals(List.of(2L, 1L), pollAll(notYet), "after 3 s of head start the old task is still behind");

        HighestPriorityFirst overtaken = policy("1");
        overtaken.offer(task(1, 0, 0));
        overtaken.offer(task(2, 10, 12));
        assertEquals(List.of(1L, 2L), pollAll(overtaken), "after 12 s of head start the old task is ahead");
    }

    @Test
    void theAgingRateSetsHowSoonOldTasksCatchUp() {
        HighestPriorityFirst slow = policy("0.5"); // 12 s of waiting is worth 6 points only
        slow.offer(task(1, 0, 0));
        slow.offer(task(2, 10, 12));
        assertEquals(List.of(2L, 1L), pollAll(slow));

        HighestPriorityFirst fast = policy("2.5"); // 5 s of waiting is worth 12.5 points
        fast.offer(task(1, 0, 0));
        fast.offer(task(2, 10, 5));
        assertEquals(List.of(1L, 2L), pollAll(fast));
    }

    @Test
    void rateZeroIsStrictPriority() {
        HighestPriorityFirst p = policy("0");
        p.offer(task(1, 0, 0));
        p.offer(task(2, 1, 1_000_000)); // arrived eleven days later, one point more urgent
        p.offer(task(3, -5, 0));
        assertEquals(List.of(2L, 1L, 3L), pollAll(p));
    }

    @Test
    void reconfiguringTheRateReordersTasksAlreadyWaiting() {
        HighestPriorityFirst p = policy("1");
        p.offer(task(1, 0, 0));
        p.offer(task(2, 10, 12));
        p.configure(Map.of(HighestPriorityFirst.AGING_RATE, "0"));
        assertEquals(List.of(2L, 1L), pollAll(p));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "fast", "", "NaN", "Infinity"})
    void badAgingRatesAreRejectedWithTheKeyAndValue(String value) {
        HighestPriorityFirst p = policy("0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of(HighestPriorityFirst.AGING_RATE, value)));
        assertTrue(e.getMessage().contains("aging.rate='" + value + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(">= 0"), e.getMessage());

        // and the previous rate (strict priority) still holds
        p.offer(task(1, 0, 0));
        p.offer(task(2, 1, 1_000_000));
        assertEquals(List.of(2L, 1L), pollAll(p));
    }

    @Test
    void unknownParametersAreRejected() {
        HighestPriorityFirst p = new HighestPriorityFirst();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("aging", "2")));
        assertTrue(e.getMessage().contains("'aging'"), e.getMessage());
        assertTrue(e.getMessage().contains(HighestPriorityFirst.AGING_RATE), e.getMessage());
    }
}
