package aios.bench;

import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.Timings;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.Resource;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.event.Event;

/**
 * What the kernel produces for a stream of syscalls that all complete: the events SUBMITTED, STARTED, COMPLETED for
 * each, with the properties the kernel gives them (id, agent, resource, kind, policy, priority, the times), and the
 * finished syscall it hands to the durable task history. So what the collector writes is what it meets in a kernel
 * at work. Event {@code i} is step {@code i % 3} of syscall {@code first + i / 3}; its values depend only on the
 * syscall, so the stream is the same in every run.
 */
final class SyscallEvents {

    /** Agents' names start with this, and the stream's events are the only ones whose agent does. */
    static final String AGENT_PREFIX = "bench-events-";
    static final String POLICY = "fifo";
    static final int PRIORITY = 0;
    private static final String[][] KINDS = {
        {"llm", "llm.chat"}, {"llm", "llm.chat"}, {"llm", "llm.chat"}, {"llm", "llm.tool_call"},
        {"memory", "memory.add"}, {"memory", "memory.retrieve"}, {"storage", "storage.write"},
        {"storage", "storage.read"}, {"tool", "tool.call"}};

    /** One syscall's values, in epoch microseconds. */
    private record Values(long id, String agent, String resource, String kind, long arrival, long start, long end) {
    }

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

    /** Whether event {@code i} is the last of its syscall (COMPLETED): the syscall has finished then. */
    static boolean finishes(long i) {
        return i % 3 == 2;
    }

    /**
     * Event {@code i}; with {@code recorded}, a COMPLETED event says, as the kernel's does, that its syscall was
     * handed to the task history.
     */
    Event event(long i, boolean recorded) {
        Values v = values(first + i / 3);
        Map<String, Object> p = new HashMap<>(16);
        p.put(KernelEvents.ID, v.id());
        p.put(KernelEvents.AGENT, v.agent());
        p.put(KernelEvents.RESOURCE, v.resource());
        p.put(KernelEvents.KIND, v.kind());
        p.put(KernelEvents.PRIORITY, PRIORITY);
        p.put(KernelEvents.ARRIVAL, v.arrival());
        p.put(KernelEvents.POLICY, POLICY);
        int step = (int) (i % 3);
        if (step == 0) {
            return new Event(KernelEvents.SUBMITTED, p);
        }
        p.put(KernelEvents.START, v.start());
        p.put(KernelEvents.WAITING, v.start() - v.arrival());
        if (step == 1) {
            return new Event(KernelEvents.STARTED, p);
        }
        p.put(KernelEvents.END, v.end());
        p.put(KernelEvents.TURNAROUND, v.end() - v.arrival());
        if (recorded) {
            p.put(KernelEvents.RECORDED, Boolean.TRUE);
        }
        return new Event(KernelEvents.COMPLETED, p);
    }

    /** The finished syscall of event {@code i}, as the kernel hands it to the task history. */
    SyscallInfo finished(long i) {
        Values v = values(first + i / 3);
        return new SyscallInfo(v.id(), v.agent(), Resource.parse(v.resource()), v.kind(), SyscallStatus.COMPLETED,
                POLICY, new Timings(instant(v.arrival()), instant(v.start()), instant(v.end())), null);
    }

    private Values values(long id) {
        long h = mix(id);
        String[] kind = KINDS[(int) Long.remainderUnsigned(h, KINDS.length)];
        // a syscall arrives every 20 µs, waits 0.05 to 2 ms and is served for 0.1 to 30 ms
        long arrival = startMicros + (id - first) * 20;
        long start = arrival + 50 + Long.remainderUnsigned(h >>> 8, 1_950);
        long end = start + 100 + Long.remainderUnsigned(h >>> 24, 29_900);
        return new Values(id, AGENT_PREFIX + Long.remainderUnsigned(id, agents), kind[0], kind[1], arrival, start,
                end);
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(0, micros * 1_000);
    }

    /** SplitMix64's finaliser: well-spread bits from a counter. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
