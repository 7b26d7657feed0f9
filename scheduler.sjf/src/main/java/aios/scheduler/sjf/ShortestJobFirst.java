package aios.scheduler.sjf;

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
 * Runs the task with the smallest expected service time ({@link Task#costEstimateNanos()}) first; equal estimates
 * run in arrival order. This minimises the mean waiting time when the estimates are good, and can starve long
 * tasks while short ones keep arriving. The estimates come from the kernel (the caller's hint or what similar
 * syscalls took); this class only orders by them. No parameters.
 */
@Component(scope = ServiceScope.PROTOTYPE, property = {
        SchedulingPolicy.NAME + "=sjf",
        SchedulingPolicy.DESCRIPTION + "=shortest job first: the task expected to take least time runs first"})
public final class ShortestJobFirst implements SchedulingPolicy {

    private static final Comparator<Task> SHORTEST_FIRST =
            Comparator.comparingLong(Task::costEstimateNanos).thenComparingLong(Task::id);

    private final TreeSet<Task> waiting = new TreeSet<>(SHORTEST_FIRST);

    @Override
    public void configure(Map<String, String> parameters) {
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException("policy sjf takes no parameters, but was given " + parameters
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
