package aios.tool.files;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * A tool's way to the calling agent's files: each operation is a storage syscall of that agent, submitted to the
 * kernel. So the access policy (another namespace, {@code /NAME/…}, only with its mount permission), the storage
 * manager's namespace rules (no {@code ..}), the agent's limits, versions and the task history apply exactly as when
 * the agent calls storage itself: a tool cannot reach further than its caller.
 */
@FunctionalInterface
interface AgentStorage {

    String PID = "aios.tool.files";

    /**
     * Runs a storage operation as {@code agent}; blocks until it has run.
     *
     * @throws Exception with the kernel's or the storage manager's message (the path and what is wrong)
     * @throws InterruptedException if interrupted; the storage syscall is cancelled
     */
    StorageResult run(String agent, StorageOperation operation) throws Exception;

    /** Through the kernel's storage syscalls. */
    static AgentStorage through(Kernel kernel) {
        return (agent, operation) -> {
            SyscallHandle h = kernel.submit(new StorageQuery(agent, operation));
            try {
                return (StorageResult) h.result().toCompletableFuture().get();
            } catch (InterruptedException e) {
                kernel.cancel(h.id());
                throw e;
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            } catch (CancellationException e) {
                throw new IllegalStateException("the storage syscall " + h.id() + " of agent " + agent
                        + " was cancelled");
            }
        };
    }
}
