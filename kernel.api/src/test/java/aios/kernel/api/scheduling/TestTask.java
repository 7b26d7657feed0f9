package aios.kernel.api.scheduling;

import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;

/**
 * A task with only the facts a policy orders by, for policy tests; ids are given in arrival order, as the kernel
 * does. Shared with every policy module through this module's test jar.
 */
public record TestTask(long id, String agent, int priority, long arrivalNanos, long deadlineNanos, long costEstimateNanos)
        implements Task {

    public static final long NO_DEADLINE = Long.MAX_VALUE;

    /** A task of {@code agent} that arrived {@code id} seconds after time 0: priority 0, no deadline, cost 1 ms. */
    public static TestTask of(long id, String agent) {
        return new TestTask(id, agent, 0, id * 1_000_000_000L, NO_DEADLINE, 1_000_000L);
    }

    @Override
    public Resource resource() {
        return Resource.LLM;
    }

    @Override
    public Syscall syscall() {
        return null; // no policy looks at the request itself
    }

    @Override
    public long costHintNanos() {
        return -1;
    }

    public TestTask withPriority(int p) {
        return new TestTask(id, agent, p, arrivalNanos, deadlineNanos, costEstimateNanos);
    }

    public TestTask arrivedAt(long nanos) {
        return new TestTask(id, agent, priority, nanos, deadlineNanos, costEstimateNanos);
    }

    public TestTask withDeadline(long nanos) {
        return new TestTask(id, agent, priority, arrivalNanos, nanos, costEstimateNanos);
    }

    public TestTask costing(long nanos) {
        return new TestTask(id, agent, priority, arrivalNanos, deadlineNanos, nanos);
    }
}
