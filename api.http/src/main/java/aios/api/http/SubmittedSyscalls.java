package aios.api.http;

import aios.kernel.api.SyscallHandle;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The handles of syscalls submitted over HTTP, so that their results can be fetched later: the newest
 * {@code retained}, the oldest forgotten first (finished ones before unfinished ones).
 *
 * <p>Thread-safe.
 */
final class SubmittedSyscalls {

    private final int retained;
    private final Map<Long, SyscallHandle> handles = new LinkedHashMap<>();

    SubmittedSyscalls(int retained) {
        this.retained = retained;
    }

    synchronized void add(SyscallHandle handle) {
        handles.put(handle.id(), handle);
        if (handles.size() > retained) {
            forgetOne();
        }
    }

    synchronized SyscallHandle get(long id) {
        return handles.get(id);
    }

    synchronized int size() {
        return handles.size();
    }

    private void forgetOne() {
        for (Iterator<SyscallHandle> it = handles.values().iterator(); it.hasNext(); ) {
            if (it.next().status().isFinal()) {
                it.remove();
                return;
            }
        }
        Iterator<Long> oldest = handles.keySet().iterator();
        oldest.next();
        oldest.remove();
    }
}
