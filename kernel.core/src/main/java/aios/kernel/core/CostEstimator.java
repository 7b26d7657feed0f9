package aios.kernel.core;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Learns how long syscalls take: an exponentially weighted mean of service times per (agent, resource, kind,
 * model), and per (resource, kind, model) across agents for agents without history of their own. Lock-free
 * enough for the hot path: one map look-up at submit, two updates at finish.
 */
final class CostEstimator {

    /** Weight of the newest sample. */
    private static final double ALPHA = 0.2;

    private record Key(String agent, Resource resource, String kind, String model) {
    }

    /** A running mean; racing updates may drop a sample, which an estimate can afford. */
    private static final class Mean {
        volatile double nanos;

        Mean(double first) {
            nanos = first;
        }

        void add(double sample) {
            nanos = nanos + ALPHA * (sample - nanos);
        }
    }

    private final ConcurrentHashMap<Key, Mean> means = new ConcurrentHashMap<>();

    /** Expected service time before any history: a generation takes long, the rest is quick. */
    static long prior(Resource r) {
        return switch (r) {
            case LLM -> 1_000_000_000L;
            case TOOL -> 100_000_000L;
            case MEMORY, STORAGE -> 1_000_000L;
        };
    }

    long estimate(Syscall call, String kind) {
        long hint = call.scheduling().costHint() == null ? -1 : call.scheduling().costHint().toNanos();
        if (hint >= 0) {
            return hint;
        }
        Mean own = means.get(key(call, kind, call.agent()));
        if (own != null) {
            return (long) own.nanos;
        }
        Mean any = means.get(key(call, kind, null));
        return any != null ? (long) any.nanos : prior(call.resource());
    }

    void record(Syscall call, String kind, long serviceNanos) {
        add(key(call, kind, call.agent()), serviceNanos);
        add(key(call, kind, null), serviceNanos);
    }

    private void add(Key k, long sample) {
        Mean m = means.get(k);
        if (m == null) {
            m = means.putIfAbsent(k, new Mean(sample));
            if (m == null) {
                return;
            }
        }
        m.add(sample);
    }

    private static Key key(Syscall call, String kind, String agent) {
        String model = call instanceof LlmQuery q ? q.model() : null;
        return new Key(agent, call.resource(), kind, model);
    }
}
