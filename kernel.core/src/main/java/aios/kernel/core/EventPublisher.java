package aios.kernel.core;

import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.Syscall;
import java.util.HashMap;
import java.util.Map;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** Turns kernel steps into Event Admin events (posted asynchronously; nothing here blocks). */
final class EventPublisher {

    private final KernelClock clock;
    private volatile EventAdmin eventAdmin;

    EventPublisher(KernelClock clock) {
        this.clock = clock;
    }

    void setEventAdmin(EventAdmin ea) {
        this.eventAdmin = ea;
    }

    void unsetEventAdmin(EventAdmin ea) {
        if (this.eventAdmin == ea) {
            this.eventAdmin = null;
        }
    }

    void submitted(KernelTask t, String policy) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            Map<String, Object> p = base(t, 8);
            p.put(KernelEvents.POLICY, policy);
            ea.postEvent(new Event(KernelEvents.SUBMITTED, p));
        }
    }

    void started(KernelTask t) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            Map<String, Object> p = base(t, 10);
            p.put(KernelEvents.POLICY, t.policy);
            p.put(KernelEvents.START, clock.toEpochMicros(t.startNanos));
            p.put(KernelEvents.WAITING, (t.startNanos - t.arrivalNanos) / 1_000);
            ea.postEvent(new Event(KernelEvents.STARTED, p));
        }
    }

    /** COMPLETED, FAILED or CANCELLED. */
    void finished(KernelTask t, String topic) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            Map<String, Object> p = base(t, 14);
            if (t.policy != null) {
                p.put(KernelEvents.POLICY, t.policy);
            }
            if (t.startNanos != 0) {
                p.put(KernelEvents.START, clock.toEpochMicros(t.startNanos));
                p.put(KernelEvents.WAITING, (t.startNanos - t.arrivalNanos) / 1_000);
            }
            p.put(KernelEvents.END, clock.toEpochMicros(t.endNanos));
            p.put(KernelEvents.TURNAROUND, (t.endNanos - t.arrivalNanos) / 1_000);
            if (t.error != null) {
                p.put(KernelEvents.ERROR, t.error);
            }
            ea.postEvent(new Event(topic, p));
        }
    }

    void rejected(Syscall call, String reason, String message) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            Map<String, Object> p = new HashMap<>(8);
            p.put(KernelEvents.AGENT, call.agent());
            p.put(KernelEvents.RESOURCE, call.resource().id());
            p.put(KernelEvents.KIND, call.kind());
            p.put(KernelEvents.REASON, reason);
            p.put(KernelEvents.ERROR, message);
            ea.postEvent(new Event(KernelEvents.REJECTED, p));
        }
    }

    void queue(String topic, String resource, ResourceQueue.Swap swap) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            Map<String, Object> p = new HashMap<>(8);
            p.put(KernelEvents.RESOURCE, resource);
            p.put(KernelEvents.POLICY, swap.next());
            p.put(KernelEvents.PREVIOUS, swap.previous());
            p.put(KernelEvents.MOVED, swap.moved());
            p.put(KernelEvents.PAUSE, swap.pauseNanos() / 1_000);
            if (swap.fault() != null) {
                p.put(KernelEvents.ERROR, swap.fault());
            }
            ea.postEvent(new Event(topic, p));
        }
    }

    private Map<String, Object> base(KernelTask t, int size) {
        Map<String, Object> p = new HashMap<>(size * 2);
        p.put(KernelEvents.ID, t.id);
        p.put(KernelEvents.AGENT, t.agent());
        p.put(KernelEvents.RESOURCE, t.resource.id());
        p.put(KernelEvents.KIND, t.syscall.kind());
        p.put(KernelEvents.PRIORITY, t.priority());
        p.put(KernelEvents.ARRIVAL, clock.toEpochMicros(t.arrivalNanos));
        return p;
    }
}
