package aios.scheduler.edf;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Runs the task whose deadline ({@link Task#deadlineNanos()}) comes first; tasks without a deadline run after every
 * task that has one, in arrival order, as do tasks with equal deadlines. Tasks whose deadline has already passed
 * come first: this class neither drops them nor counts misses (admission control and miss counting are the
 * kernel's). No parameters.
 */
@Component(scope = ServiceScope.PROTOTYPE, property = {
        SchedulingPolicy.NAME + "=edf",
        SchedulingPolicy.DESCRIPTION + "=earliest deadline first: tasks without a deadline run after those with one"})
public final class EarliestDeadlineFirst implements SchedulingPolicy {

    // Long.MAX_VALUE, "no deadline", sorts after every real deadline.
    private static final Comparator<Task> EARLIEST_DEADLINE_FIRST =
            Comparator.comparingLong(Task::deadlineNanos).thenComparingLong(Task::id);

    private final TreeSet<Task> waiting = new TreeSet<>(EARLIEST_DEADLINE_FIRST);

    @Override
    public void configure(Map<String, String> parameters) {
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException("policy edf takes no parameters, but was given " + parameters
                    + ": remove them from the queue's policy parameters");
        }
    }

    @Override
    public void offer(Task task) {
        waiting.add(task);
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
