package aios.scheduler.lifo;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Runs the newest task first (a stack). Useful where the latest request supersedes older ones; it can starve
 * old tasks under sustained load. The README's example of a drop-in policy bundle.
 */
@Component(scope = ServiceScope.PROTOTYPE, property = {
        SchedulingPolicy.NAME + "=lifo",
        SchedulingPolicy.DESCRIPTION + "=last come, first served: the newest task runs first"})
public final class LastComeFirstServed implements SchedulingPolicy {

    private final ArrayDeque<Task> stack = new ArrayDeque<>();

    @Override
    public void offer(Task task) {
        stack.push(task);
    }

    @Override
    public Task poll() {
        return stack.poll();
    }

    @Override
    public boolean remove(Task task) {
        return stack.remove(task);
    }

    @Override
    public List<Task> drain() {
        List<Task> all = new ArrayList<>(stack);
        stack.clear();
        return all;
    }

    @Override
    public int size() {
        return stack.size();
    }
}
