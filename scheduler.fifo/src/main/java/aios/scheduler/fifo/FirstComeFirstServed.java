package aios.scheduler.fifo;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/** Runs tasks in the order they arrived. */
@Component(scope = ServiceScope.PROTOTYPE, property = {
        SchedulingPolicy.NAME + "=fifo",
        SchedulingPolicy.DESCRIPTION + "=first come, first served: tasks run in arrival order"})
public final class FirstComeFirstServed implements SchedulingPolicy {

    private final ArrayDeque<Task> waiting = new ArrayDeque<>();

    @Override
    public void offer(Task task) {
        waiting.addLast(task);
    }

    @Override
    public Task poll() {
        return waiting.pollFirst();
    }

    @Override
    public boolean remove(Task task) {
        return waiting.remove(task);
    }

    @Override
    public List<Task> drain() {
        List<Task> all = new ArrayList<>(waiting);
        waiting.clear();
        return all;
    }

    @Override
    public int size() {
        return waiting.size();
    }
}
