package aios.bench;

import aios.kernel.api.event.KernelEvents;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.event.Event;

/**
 * The events the kernel publishes for a stream of syscalls that all complete: SUBMITTED, STARTED, COMPLETED for
 * each, with the properties the kernel gives them (id, agent, resource, kind, policy, priority, the times), so that
 * what the collector turns into rows is what it meets in a kernel at work. Event {@code i} is step {@code i % 3} of
 * syscall {@code first + i / 3}; its values depend only on the syscall, so the stream is the same in every run.
 */
final class SyscallEvents {

    /** Agents' names start with this, and the stream's events are the only ones whose agent does. */
    static final String AGENT_PREFIX = "bench-events-";
    private static final String[][] KINDS = {
        {"llm", "llm.chat"}, {"llm", "llm.chat"}, {"llm", "llm.chat"}, {"llm", "llm.tool_call"},
        {"memory", "memory.add"}, {"memory", "memory.retrieve"}, {"storage", "storage.write"},
        {"storage", "storage.read"}, {"tool", "tool.call"}};

    private final long first;
    private final int agents;
    private final long startMicros;

    /**
     * @param first the first syscall's id
     * @param agents how many agents the syscalls come from, in turn
     * @param startMicros epoch microseconds of the first syscall's arrival
     */
    SyscallEvents(long first, int agents, long startMicros) {
        this.first = first;
        this.agents = agents;
        this.startMicros = startMicros;
    }

    /** The number of events of {@code syscalls} syscalls. */
    static long eventsOf(long syscalls) {
        return 3 * syscalls;
    }

    Event event(long i) {
        long id = first + i / 3;
        int step = (int) (i % 3);
        long h = mix(id);
        String[] kind = KINDS[(int) Long.remainderUnsigned(h, KINDS.length)];
        // a syscall arrives every 20 µs, waits 0.05 to 2 ms and is served for 0.1 to 30 ms
        long arrival = startMicros + (id - first) * 20;
        long waiting = 50 + Long.remainderUnsigned(h >>> 8, 1_950);
        long start = arrival + waiting;
        long end = start + 100 + Long.remainderUnsigned(h >>> 24, 29_900);
        Map<String, Object> p = new HashMap<>(16);
        p.put(KernelEvents.ID, id);
        p.put(KernelEvents.AGENT, AGENT_PREFIX + Long.remainderUnsigned(id, agents));
        p.put(KernelEvents.RESOURCE, kind[0]);
        p.put(KernelEvents.KIND, kind[1]);
        p.put(KernelEvents.PRIORITY, 0);
        p.put(KernelEvents.ARRIVAL, arrival);
        p.put(KernelEvents.POLICY, "fifo");
        if (step == 0) {
            return new Event(KernelEvents.SUBMITTED, p);
        }
        p.put(KernelEvents.START, start);
        p.put(KernelEvents.WAITING, waiting);
        if (step == 1) {
            return new Event(KernelEvents.STARTED, p);
        }
        p.put(KernelEvents.END, end);
        p.put(KernelEvents.TURNAROUND, end - arrival);
        return new Event(KernelEvents.COMPLETED, p);
    }

    /** SplitMix64's finaliser: well-spread bits from a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
