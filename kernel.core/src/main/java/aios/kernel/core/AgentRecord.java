package aios.kernel.core;

import aios.kernel.api.AgentInfo;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/** A registered agent and its counters. */
final class AgentRecord {
    final String name;
    final Instant registered;
    final LongAdder submitted = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder finished = new LongAdder();

    AgentRecord(String name, Instant registered) {
        this.name = name;
        this.registered = registered;
    }

    AgentInfo info() {
        long s = submitted.sum();
        return new AgentInfo(name, registered, s, completed.sum(), failed.sum(), Math.max(0, s - finished.sum()));
    }
}
