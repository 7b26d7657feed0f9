package aios.kernel.api.storage;

import aios.kernel.api.SyscallInfo;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Keeps the task history durably, so that a syscall is acknowledged only once its history entry is on disk. When a
 * recorder is installed, the kernel hands it every finished syscall together with the action that completes the
 * syscall's handle (its acknowledgment to the caller), and runs that action only through the recorder; without one
 * it completes the handle at once.
 *
 * <p>Contract of the recorder:
 * <ul>
 *   <li>{@link #record} makes the entry durable (on disk, surviving a kill or a power cut) and then runs
 *       {@code durable} exactly once, on a thread of its own, never inside {@code record};</li>
 *   <li>it runs {@code durable} also when it could not make the entry durable (its queue stayed full, the database
 *       failed, the recorder is stopping or stopped): then it logs an error naming the syscall first, so that no
 *       caller waits forever;</li>
 *   <li>{@code record} does not block for long: it may wait for room while its queue is full (backpressure), for a
 *       bounded time only;</li>
 *   <li>entries still pending when the recorder stops are written, or acknowledged as not written, before it has
 *       stopped.</li>
 * </ul>
 * Thread-safe: the kernel's workers call it concurrently. {@code durable} must not block: it completes a future.
 *
 * @since 1.1
 */
@ProviderType
public interface SyscallHistory {

    /**
     * Records a finished syscall and acknowledges it once the record is durable.
     *
     * @param finished the syscall, with a final status (COMPLETED, FAILED or CANCELLED) and its end time
     * @param priority its scheduling priority, as the queue's policy saw it
     * @param durable what to run once the entry is on disk (or could not be written); run exactly once
     * @throws RuntimeException only when the recorder did not take the entry (such as an {@link
     *         IllegalArgumentException} for a syscall that has not finished); then it never runs {@code durable},
     *         and the caller acknowledges the syscall itself
     */
    void record(SyscallInfo finished, int priority, Runnable durable);
}
