package aios.kernel.api.storage;

import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Keeps agents' files, with versions. Runs storage syscalls on the storage queue's workers, possibly several at
 * once; paths never leave the agent's namespace.
 */
@ConsumerType
public interface StorageManager {

    /**
     * @throws Exception with a message naming the path and what is wrong with it
     */
    StorageResult execute(StorageQuery query) throws Exception;
}
