package aios.scheduler.fifo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.SchedulingPolicyContract;
import aios.kernel.api.scheduling.TestTask;
import java.util.List;
import org.junit.jupiter.api.Test;

class FirstComeFirstServedTest extends SchedulingPolicyContract {

    @Override
    protected SchedulingPolicy newPolicy() {
        return new FirstComeFirstServed();
    }

    @Test
    void tasksRunInTheOrderOfTheDiscipline_arrival_order() {
        SchedulingPolicy p = newPolicy();
        for (long id = 1; id <= 4; id++) {
            p.offer(TestTask.of(id, "agent-" + id % 2).withPriority((int) (10 - id)));
        }
        assertEquals(List.of(1L, 2L, 3L, 4L), pollAll(p), "priorities do not matter here");
    }
}
