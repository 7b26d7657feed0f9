package aios.kernel.api.scheduling;

import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A syscall as a queue sees it: the facts a policy orders by. The kernel creates tasks; policies only read
 * them. The values do not change while the task waits. Times are {@link System#nanoTime()} values, so policies
 * compare them without converting.
 */
@ProviderType
public interface Task {

    /** Unique, increasing in order of arrival. */
    long id();

    String agent();

    Resource resource();

    Syscall syscall();

    /** Larger is more urgent. */
    int priority();

    /** {@link System#nanoTime()} at arrival. */
    long arrivalNanos();

    /** {@link System#nanoTime()} of the deadline, or {@link Long#MAX_VALUE} if it has none. */
    long deadlineNanos();

    /** The caller's estimate of service time in nanoseconds, or -1 if it gave none. */
    long costHintNanos();

    /**
     * The expected service time in nanoseconds, always ≥ 0: the cost hint when the caller gave one, otherwise
     * learned by the kernel from the service times of earlier syscalls of the same agent, resource, kind and
     * model (an exponentially weighted mean), falling back to those of any agent, then to a prior per resource.
     */
    long costEstimateNanos();
}
