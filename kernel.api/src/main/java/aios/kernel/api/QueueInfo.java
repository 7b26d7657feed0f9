package aios.kernel.api;

import aios.kernel.api.syscall.Resource;
import java.time.Duration;
import java.util.Map;

/**
 * The state of one resource's queue.
 *
 * @param resource the resource
 * @param policy the policy ordering the queue now
 * @param configuredPolicy the policy the configuration asks for; differs from {@code policy} while that one is
 *     not installed (the queue then runs FIFO)
 * @param parameters the parameters given to the configured policy
 * @param waiting tasks waiting
 * @param running tasks on a worker now
 * @param completed tasks finished successfully since start
 * @param failed tasks failed since start
 * @param meanWaiting mean time in the queue of the tasks started so far
 * @param workers worker count
 * @param threads {@code virtual} or {@code platform}
 * @param capacity the most tasks that may wait; past it submit is refused
 * @param deadlineMisses tasks that finished after their deadline since start
 */
public record QueueInfo(Resource resource, String policy, String configuredPolicy, Map<String, String> parameters,
                        int waiting, int running, long completed, long failed, Duration meanWaiting, int workers,
                        String threads, int capacity, long deadlineMisses) {
    public QueueInfo {
        parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    }
}
