package aios.kernel.api.scheduling;

import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A queue discipline: owns the waiting tasks of one resource and decides which runs next.
 *
 * <p>Register implementations as services with {@link #NAME} and {@code scope=prototype}: the kernel gets one
 * instance per queue. A queue calls its instance from one thread at a time (under the queue's lock), so an
 * implementation needs no synchronisation of its own; in turn every method must return quickly and never block
 * or sleep. A method that throws gets the policy replaced by FIFO (with an event saying why).
 */
@ConsumerType
public interface SchedulingPolicy {

    /** Service property: the policy's name as users select it ({@code fifo}, {@code edf}, …). Required. */
    String NAME = "aios.policy.name";

    /** Service property: one line for people, shown by {@code aios:policy}. Optional. */
    String DESCRIPTION = "aios.policy.description";

    /**
     * Applies per-queue parameters (such as {@code slice.tokens=4}); called before the first {@link #offer} and
     * whenever they change. Refuse keys you do not know, so that a typo does not go unnoticed; the default refuses
     * every parameter.
     *
     * @throws IllegalArgumentException naming the bad key or value and what is accepted
     */
    default void configure(Map<String, String> parameters) {
        if (!parameters.isEmpty()) {
            throw new IllegalArgumentException("this policy takes no parameters, but was given " + parameters);
        }
    }

    /**
     * The time slice of a preemptible task (an LLM generation) in tokens: after that many tokens the kernel stops
     * the generation, keeps its state, and offers the task again if other tasks wait. 0, the default, means
     * tasks run to their end.
     */
    default int timeSliceTokens() {
        return 0;
    }

    /**
     * The time slice in wall-clock nanoseconds: a generation is also stopped after this long (at a token
     * boundary). 0, the default, means no time limit.
     */
    default long timeSliceNanos() {
        return 0;
    }

    /**
     * Adds a waiting task. The queue never offers a task that is already waiting. A preempted task is offered
     * again (the same {@link Task}, same id and arrival) when its slice is used up.
     */
    void offer(Task task);

    /** Removes and returns the task to run next, or {@code null} if none waits. */
    Task poll();

    /** Removes a waiting task (it was cancelled). @return whether it was waiting here */
    boolean remove(Task task);

    /**
     * Removes and returns every waiting task; called when this instance is being replaced. The kernel offers the
     * tasks to the next policy in their arrival order.
     */
    List<Task> drain();

    /** How many tasks wait. */
    int size();
}
