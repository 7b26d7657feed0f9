package aios.kernel.core;

import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.Syscall;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * Turns kernel steps into Event Admin events. The hot path only enqueues a small record (lock-free); one
 * publisher thread builds the events and posts them. So submitters and workers never wait for Event Admin, Event
 * Admin sees a single sender (it delivers a sender's events in order, in batches), and the events of one syscall
 * reach handlers in the order SUBMITTED, STARTED, COMPLETED. The thread parks when there is nothing to publish;
 * an event waits at most {@link #LINGER_NANOS} for it.
 *
 * <p>If the backlog exceeds {@link #MAX_BACKLOG} (handlers far slower than the kernel), the step that would grow
 * it posts its event itself, which slows the producer down instead of growing memory without bound.
 */
final class EventPublisher {

    static final int MAX_BACKLOG = 1 << 20;
    /** How long the publisher waits for more events before it parks until woken; the most an event waits then. */
    static final long LINGER_NANOS = 1_000_000;

    private sealed interface Step {
    }

    private record TaskStep(String topic, KernelTask task, String policy, int tokens) implements Step {
        TaskStep(String topic, KernelTask task, String policy) {
            this(topic, task, policy, -1);
        }
    }

    private record Rejection(Syscall call, String reason, String message) implements Step {
    }

    /** An aios/access/* event; {@code id} 0 and {@code held} -1 when there is none. */
    private record Access(String topic, Syscall call, long id, String approval, String reason, long heldMicros)
            implements Step {
    }

    private final KernelClock clock;
    private final ConcurrentLinkedQueue<Step> backlog = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean parked = new AtomicBoolean();
    private volatile EventAdmin eventAdmin;
    private volatile boolean running = true;
    private final Thread thread;

    EventPublisher(KernelClock clock) {
        this.clock = clock;
        this.thread = Thread.ofPlatform().daemon(true).name("aios-event-publisher").unstarted(this::publishLoop);
    }

    void start() {
        thread.start();
    }

    /** Publishes what is queued, then stops the thread. */
    void stop() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void setEventAdmin(EventAdmin ea) {
        this.eventAdmin = ea;
    }

    void unsetEventAdmin(EventAdmin ea) {
        if (this.eventAdmin == ea) {
            this.eventAdmin = null;
        }
    }

    /** Queues SUBMITTED without waking the publisher (the caller holds the queue's lock); call {@link #wake} after. */
    void submitted(KernelTask t, String policy) {
        enqueue(new TaskStep(KernelEvents.SUBMITTED, t, policy), false);
    }

    /** Queues STARTED without waking the publisher: the syscall's end wakes it once. */
    void started(KernelTask t) {
        enqueue(new TaskStep(KernelEvents.STARTED, t, t.policy), false);
    }

    /** COMPLETED, FAILED or CANCELLED. */
    void finished(KernelTask t, String topic) {
        enqueue(new TaskStep(topic, t, t.policy), true);
    }

    void preempted(KernelTask t, int tokens) {
        enqueue(new TaskStep(KernelEvents.PREEMPTED, t, t.policy, tokens), true);
    }

    void deadlineMissed(KernelTask t) {
        enqueue(new TaskStep(KernelEvents.DEADLINE_MISSED, t, t.policy), true);
    }

    void rejected(Syscall call, String reason, String message) {
        enqueue(new Rejection(call, reason, message), true);
    }

    /** ACCESS_DENIED: at submit ({@code id} 0, {@code heldMicros} -1) or after holding the syscall. */
    void accessDenied(Syscall call, long id, String approval, String reason, long heldMicros) {
        enqueue(new Access(KernelEvents.ACCESS_DENIED, call, id, approval, reason, heldMicros), true);
    }

    void accessPending(KernelTask t, String approval, String reason) {
        enqueue(new Access(KernelEvents.ACCESS_PENDING, t.syscall, t.id, approval, reason, -1), true);
    }

    void accessApproved(KernelTask t, String approval, String reason, long heldMicros) {
        enqueue(new Access(KernelEvents.ACCESS_APPROVED, t.syscall, t.id, approval, reason, heldMicros), true);
    }

    /** Wakes the publisher if it sleeps. Costs a system call then, so the hot path does it once per syscall. */
    void wake() {
        if (parked.get() && parked.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    /** Policy changes are rare: posted at once. */
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

    private void enqueue(Step step, boolean wake) {
        if (eventAdmin == null) {
            return;
        }
        if (size.get() >= MAX_BACKLOG || !running) {
            post(step);
            return;
        }
        size.incrementAndGet();
        backlog.offer(step);
        if (wake) {
            wake();
        }
    }

    private void publishLoop() {
        for (;;) {
            Step s;
            while ((s = backlog.poll()) != null) {
                size.decrementAndGet();
                post(s);
            }
            if (!running) {
                return;
            }
            // Events come in streams: lingering a moment (not marked parked) spares the producers of the next
            // events a wake-up system call each. Only then park until woken, so an idle kernel does not poll.
            LockSupport.parkNanos(this, LINGER_NANOS);
            if (!backlog.isEmpty()) {
                continue;
            }
            parked.set(true);
            if (!backlog.isEmpty() || !running) {
                parked.set(false);
                continue;
            }
            LockSupport.park(this);
            parked.set(false);
        }
    }

    private void post(Step step) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            return;
        }
        try {
            ea.postEvent(switch (step) {
                case TaskStep t -> taskEvent(t);
                case Rejection r -> rejectionEvent(r);
                case Access a -> accessEvent(a);
            });
        } catch (RuntimeException e) {
            // Event Admin is stopping (or broken); the kernel's own work is not affected
        }
    }

    private Event taskEvent(TaskStep step) {
        KernelTask t = step.task();
        String topic = step.topic();
        EventProperties p = new EventProperties(16)
                .with(KernelEvents.ID, t.id)
                .with(KernelEvents.AGENT, t.agent())
                .with(KernelEvents.RESOURCE, t.resource.id())
                .with(KernelEvents.KIND, t.kind)
                .with(KernelEvents.PRIORITY, t.priority())
                .with(KernelEvents.ARRIVAL, clock.toEpochMicros(t.arrivalNanos));
        if (step.policy() != null) {
            p.with(KernelEvents.POLICY, step.policy());
        }
        boolean submitted = topic.equals(KernelEvents.SUBMITTED);
        if (!submitted && t.startNanos != 0) {
            p.with(KernelEvents.START, clock.toEpochMicros(t.startNanos))
                    .with(KernelEvents.WAITING, (t.startNanos - t.arrivalNanos) / 1_000);
        }
        if (step.tokens() >= 0) {
            p.with(KernelEvents.TOKENS, step.tokens());
        }
        if (!submitted && !topic.equals(KernelEvents.STARTED) && !topic.equals(KernelEvents.PREEMPTED)) {
            p.with(KernelEvents.END, clock.toEpochMicros(t.endNanos))
                    .with(KernelEvents.TURNAROUND, (t.endNanos - t.arrivalNanos) / 1_000);
            if (t.error != null) {
                p.with(KernelEvents.ERROR, t.error);
            }
            if (t.recorded) {
                p.with(KernelEvents.RECORDED, Boolean.TRUE);
            }
        }
        if (topic.equals(KernelEvents.DEADLINE_MISSED)) {
            p.with(KernelEvents.DEADLINE, clock.toEpochMicros(t.deadlineNanos))
                    .with(KernelEvents.LATENESS, (t.endNanos - t.deadlineNanos) / 1_000);
        }
        return new Event(topic, p);
    }

    private static Event rejectionEvent(Rejection r) {
        Map<String, Object> p = new HashMap<>(8);
        p.put(KernelEvents.AGENT, r.call().agent());
        p.put(KernelEvents.RESOURCE, r.call().resource().id());
        p.put(KernelEvents.KIND, r.call().kind());
        p.put(KernelEvents.REASON, r.reason());
        p.put(KernelEvents.ERROR, r.message());
        return new Event(KernelEvents.REJECTED, p);
    }

    private static Event accessEvent(Access a) {
        Map<String, Object> p = new HashMap<>(12);
        p.put(KernelEvents.AGENT, a.call().agent());
        p.put(KernelEvents.RESOURCE, a.call().resource().id());
        p.put(KernelEvents.KIND, a.call().kind());
        if (a.reason() != null) {
            p.put(KernelEvents.REASON, a.reason());
        }
        if (a.id() != 0) {
            p.put(KernelEvents.ID, a.id());
        }
        if (a.approval() != null) {
            p.put(KernelEvents.APPROVAL, a.approval());
        }
        if (a.heldMicros() >= 0) {
            p.put(KernelEvents.HELD, a.heldMicros());
        }
        return new Event(a.topic(), p);
    }
}
