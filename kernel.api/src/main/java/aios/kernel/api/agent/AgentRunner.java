package aios.kernel.api.agent;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs installed agents as processes. Each {@link #start} gives a process with its own id that runs the agent on a
 * thread of its own; the process acts as the kernel agent of the same name (registered if needed), so its syscalls are
 * checked, limited and recorded under that name. A bounded number of processes run at once; the others wait
 * {@link AgentProcess.Status#QUEUED} in order of submission. Finished processes are kept for look-ups up to a
 * configured number, the oldest forgotten first.
 *
 * <p>Thread-safe. Only {@link #finished}'s stage waits, and only when the caller waits on it; every method returns at
 * once.
 */
@ProviderType
public interface AgentRunner {

    /** The agents that can be started now, by name. */
    List<AgentDescription> agents();

    /**
     * Starts a process of the named agent with {@code input}; returns at once with the process as accepted (QUEUED,
     * or already RUNNING).
     *
     * @param input what the agent is given; {@code null} is the empty text
     * @throws IllegalArgumentException if no agent of that name is installed; the message lists those that are
     * @throws IllegalStateException if the runner is stopping
     */
    AgentProcess start(String agent, String input);

    /** The process now, if the runner still knows it (running ones always; finished ones up to the retained count). */
    Optional<AgentProcess> process(long id);

    /** Every process the runner knows now, by id. */
    List<AgentProcess> processes();

    /**
     * Kills a process that has not ended: a queued one never runs; a running one's waiting and running syscalls are
     * cancelled, its thread is interrupted, and any syscall it submits from now on is refused. The process is
     * {@link AgentProcess.Status#KILLED} when this returns, whatever the agent's code does next (its thread ends at
     * its next syscall or interruptible wait, and what it returns is dropped).
     *
     * @return whether it was killed: false if it had already ended
     * @throws IllegalArgumentException if no process of that id is known
     */
    boolean kill(long id);

    /**
     * The process once it has ended (DONE, FAILED or KILLED); an already ended one's stage is complete. The stage
     * never completes exceptionally: a failure is a FAILED process.
     *
     * @throws IllegalArgumentException if no process of that id is known
     */
    CompletionStage<AgentProcess> finished(long id);
}
