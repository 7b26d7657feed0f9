package aios.kernel.api.context;

import aios.kernel.api.SyscallHandle;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a restore.
 *
 * @param snapshot the snapshot restored
 * @param resumed for each generation the snapshot held, in the order of their ids: its syscall id then → the handle
 *     of the syscall that continues it now
 */
public record RestoredContext(ContextSnapshot snapshot, Map<Long, SyscallHandle> resumed) {

    public RestoredContext {
        resumed = Collections.unmodifiableMap(new TreeMap<>(resumed)); // in the order of the saved ids
    }
}
