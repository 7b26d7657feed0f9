package aios.scheduler.sjf;

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

class ShortestJobFirstTest extends SchedulingPolicyContract {

    @Override
    protected SchedulingPolicy newPolicy() {
        return new ShortestJobFirst();
    }


    private static final long MS = 1_000_000L;

    private static TestTask task(long id, long costMillis) {
        return TestTask.of(id, "a").costing(costMillis * MS);
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
    void anyParameterIsRejectedWithItsKeyAndValue() {
        ShortestJobFirst p = new ShortestJobFirst();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.configure(Map.of("aging.rate", "2")));
        assertTrue(e.getMessage().contains("aging.rate=2"), e.getMessage());
        assertTrue(e.getMessage().contains("no parameters"), e.getMessage());
    }
}
