package aios.kernel.core;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * First come, first served, built into the kernel: what a queue runs while the policy its configuration names
 * is not installed, and what replaces a policy that misbehaves.
 */
final class BuiltinFifo implements SchedulingPolicy {
    static final String NAME = "builtin-fifo";

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
