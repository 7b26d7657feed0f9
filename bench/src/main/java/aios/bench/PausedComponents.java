package aios.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * DS components disabled for a benchmark's run and enabled again after it, found by name so that the bench bundle
 * imports nothing of theirs. {@code bench:kernel} and {@code bench:hotswap} measure the kernel's dispatch; the
 * storage manager's DataCollector, persisting every event, would share the two cores with it and is measured by
 * {@code bench:storage} instead.
 */
final class PausedComponents implements AutoCloseable {

    /**
     * The component that persists every kernel event (manager.storage). Its durable history (the SyscallHistory the
     * kernel acknowledges syscalls through) requires it, so pausing it removes that too: the kernel acknowledges at
     * once, as without a storage manager.
     */
    static final String COLLECTOR = "aios.manager.storage.DataCollector";

    private final ServiceComponentRuntime scr;
    private final List<ComponentDescriptionDTO> paused = new ArrayList<>();

    private PausedComponents(ServiceComponentRuntime scr) {
        this.scr = scr;
    }

    /** Disables the enabled components of these names, waiting until each is disabled. */
    static PausedComponents pause(ServiceComponentRuntime scr, BundleContext context, Set<String> names)
            throws Exception {
        PausedComponents p = new PausedComponents(scr);
        for (Bundle b : context.getBundles()) {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs(b)) {
                if (names.contains(d.name) && scr.isComponentEnabled(d)) {
                    scr.disableComponent(d).getValue();
                    p.paused.add(d);
                }
            }
        }
        return p;
    }

    /** What was paused, for the report. */
    List<String> names() {
        return paused.stream().map(d -> d.name).toList();
    }

    @Override
    public void close() throws Exception {
        for (ComponentDescriptionDTO d : paused) {
            scr.enableComponent(d).getValue();
        }
    }
}
