package aios.kernel.api.memory;

import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Keeps agents' working memory. Runs memory syscalls on the memory queue's workers, possibly several at once;
 * an agent reaches only its own notes.
 */
@ConsumerType
public interface MemoryManager {

    /**
     * @throws Exception with a message naming the note, the agent or the quota concerned
     */
    MemoryResult execute(MemoryQuery query) throws Exception;

    /**
     * Called by the kernel when an agent is unregistered: its notes leave memory; notes kept durably stay, so an
     * agent registered again finds them. The default keeps nothing per agent and does nothing.
     *
     * @since 1.1
     */
    default void released(String agent) {
    }
}
