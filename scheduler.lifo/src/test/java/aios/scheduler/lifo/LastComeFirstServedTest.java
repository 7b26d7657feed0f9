package aios.scheduler.lifo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.SchedulingPolicyContract;
import aios.kernel.api.scheduling.TestTask;
import java.util.List;
import org.junit.jupiter.api.Test;

class LastComeFirstServedTest extends SchedulingPolicyContract {

    @Override
    protected SchedulingPolicy newPolicy() {
        return new LastComeFirstServed();
    }

    @Test
    void tasksRunInTheOrderOfTheDiscipline_newest_first() {
        SchedulingPolicy p = newPolicy();
        for (long id = 1; id <= 4; id++) {
            p.offer(TestTask.of(id, "agent-" + id % 2).withPriority((int) (10 - id)));
        }
        assertEquals(List.of(4L, 3L, 2L, 1L), pollAll(p), "priorities do not matter here");
    }
}
