package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.event.KernelEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class SyscallEventsTest {

    @Test
    void eachSyscallIsSubmittedStartedAndCompletedInOrderWithTheKernelsProperties() {
        SyscallEvents stream = new SyscallEvents(100, 7, 1_000_000);
        for (long s = 0; s < 1_000; s++) {
            Event submitted = stream.event(3 * s, true);
            Event started = stream.event(3 * s + 1, true);
            Event completed = stream.event(3 * s + 2, true);
            assertEquals(KernelEvents.SUBMITTED, submitted.getTopic());
            assertEquals(KernelEvents.STARTED, started.getTopic());
            assertEquals(KernelEvents.COMPLETED, completed.getTopic());
            assertEquals(Boolean.TRUE, completed.getProperty(KernelEvents.RECORDED));
            assertEquals(null, started.getProperty(KernelEvents.RECORDED));
            for (Event e : new Event[] {submitted, started, completed}) {
                assertEquals(100 + s, e.getProperty(KernelEvents.ID));
                assertEquals(SyscallEvents.AGENT_PREFIX + (100 + s) % 7, e.getProperty(KernelEvents.AGENT));
                assertEquals(submitted.getProperty(KernelEvents.KIND), e.getProperty(KernelEvents.KIND));
                assertEquals(submitted.getProperty(KernelEvents.ARRIVAL), e.getProperty(KernelEvents.ARRIVAL));
            }
            assertNull(submitted.getProperty(KernelEvents.START));
            long arrival = (Long) completed.getProperty(KernelEvents.ARRIVAL);
            long start = (Long) completed.getProperty(KernelEvents.START);
            long end = (Long) completed.getProperty(KernelEvents.END);
            assertTrue(arrival < start && start < end);
            assertEquals(start - arrival, completed.getProperty(KernelEvents.WAITING));
            assertEquals(end - arrival, completed.getProperty(KernelEvents.TURNAROUND));
            assertTrue(((String) completed.getProperty(KernelEvents.KIND))
                    .startsWith(completed.getProperty(KernelEvents.RESOURCE) + "."));

            // the finished syscall the kernel hands to the task history says what the events say
            assertTrue(SyscallEvents.finishes(3 * s + 2));
            SyscallInfo finished = stream.finished(3 * s + 2);
            assertEquals(100 + s, finished.id());
            assertEquals(completed.getProperty(KernelEvents.AGENT), finished.agent());
            assertEquals(completed.getProperty(KernelEvents.RESOURCE), finished.resource().id());
            assertEquals(completed.getProperty(KernelEvents.KIND), finished.kind());
            assertEquals(SyscallStatus.COMPLETED, finished.status());
            assertEquals(arrival, micros(finished.timings().arrival()));
            assertEquals(start, micros(finished.timings().start()));
            assertEquals(end, micros(finished.timings().end()));
        }
    }

    private static long micros(Instant t) {
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1_000;
    }

    @Test
    void theStreamIsTheSameEveryTime() {
        SyscallEvents a = new SyscallEvents(5, 3, 42);
        SyscallEvents b = new SyscallEvents(5, 3, 42);
        for (long i = 0; i < 300; i++) {
            assertEquals(a.event(i, false), b.event(i, false));
        }
    }
}
