package aios.kernel.core;

import aios.kernel.api.scheduling.SchedulingPolicy;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An installed scheduling policy: where new instances come from (one per queue) and where they go back.
 *
 * @param name the policy's name
 * @param description one line for people
 * @param rank orders providers of the same name: higher wins
 * @param id unique per provider (the service id in OSGi)
 * @param factory makes a new instance
 * @param release gives an instance back
 */
record PolicyProvider(String name, String description, long rank, long id, Supplier<SchedulingPolicy> factory,
                      Consumer<SchedulingPolicy> release) {

    /** A policy instance in use by one queue. */
    record Lease(PolicyProvider provider, SchedulingPolicy instance) {
        void release() {
            provider.release().accept(instance);
        }
    }

    Lease lease() {
        return new Lease(this, factory.get());
    }
}
