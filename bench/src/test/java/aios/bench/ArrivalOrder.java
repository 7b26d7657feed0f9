package aios.bench;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** First come, first served, for tests of the simulation (the bench does not depend on the fifo bundle). */
class ArrivalOrder implements SchedulingPolicy {
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
