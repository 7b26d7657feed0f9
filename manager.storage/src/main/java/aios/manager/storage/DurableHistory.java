package aios.manager.storage;

import aios.kernel.api.SyscallInfo;
import aios.kernel.api.storage.SyscallHistory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The kernel's durable task history: hands each finished syscall to the {@link DataCollector}, whose writer puts
 * its row in the next batch with the events and acknowledges it once that transaction has committed. Registered
 * only while a collector with {@code history.durable=true} runs (its service property, from the configuration):
 * a paused or stopped collector takes this service with it, and the kernel then acknowledges at once.
 */
@Component(service = SyscallHistory.class)
public final class DurableHistory implements SyscallHistory {

    @Reference(target = "(" + DataCollector.DURABLE + "=true)")
    private DataCollector collector;

    /** For DS. */
    public DurableHistory() {
    }

    @Override
    public void record(SyscallInfo finished, int priority, Runnable durable) {
        collector.record(finished, priority, durable);
    }
}
