package aios.manager.tool;

import aios.kernel.api.tool.ToolDescriptor;
import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolService;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One installed tool with its limits: a semaphore of {@code parallelism} slots, and a timeout after which a call's
 * thread is interrupted and its caller told so. Each call runs on a virtual thread of its own, which holds the slot
 * until the tool has really returned: a tool that ignores the interruption keeps its slot (and is counted as
 * overdue) until it ends, so no more than {@code parallelism} calls of it ever run at once, whatever their callers
 * were told.
 *
 * <p>Thread-safe.
 */
final class LimitedTool {

    /** How a call ended, for the caller. */
    sealed interface Ending {
        /** The tool returned its output. */
        record Returned(String output, long nanos) implements Ending {
        }

        /** The tool threw. */
        record Threw(Throwable error, long nanos) implements Ending {
        }

        /** No slot became free within the timeout; the tool did not run. */
        record NoSlot() implements Ending {
        }

        /** The call did not end within the timeout; its thread was interrupted. */
        record TimedOut() implements Ending {
        }
    }

    /** Called on the call's own thread when a call its caller gave up on ends at last. */
    interface OverdueListener {
        void ended(LimitedTool tool, ToolInvocation call, long nanosPastTimeout);
    }

    private static final int RUNNING = 0;
    private static final int DONE = 1;
    private static final int ABANDONED = 2;

    /** What the service declared. */
    final ToolDescriptor declared;
    /** What applies: the declared facts with the timeout held to the manager's timeout.max.ms. */
    private volatile ToolDescriptor descriptor;
    final ArgumentSchema schema;
    final ToolService service;
    /** The service's id: the tool of the same name with the best rank is the one in use. */
    final long serviceId;
    final int serviceRank;
    private final Semaphore slots;
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger overdue = new AtomicInteger();
    final LongAdder calls = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    final LongAdder refused = new LongAdder();

    LimitedTool(ToolDescriptor declared, ArgumentSchema schema, ToolService service, long serviceId,
                int serviceRank, Duration timeoutMax) {
        this.declared = declared;
        this.descriptor = limited(declared, timeoutMax);
        this.schema = schema;
        this.service = service;
        this.serviceId = serviceId;
        this.serviceRank = serviceRank;
        this.slots = new Semaphore(declared.parallelism(), true);
    }

    private static ToolDescriptor limited(ToolDescriptor d, Duration timeoutMax) {
        return d.timeout().compareTo(timeoutMax) <= 0 ? d : new ToolDescriptor(d.name(), d.description(),
                d.parameters(), d.reversible(), d.parallelism(), timeoutMax);
    }

    String name() {
        return declared.name();
    }

    /** The facts that apply to calls now. */
    ToolDescriptor descriptor() {
        return descriptor;
    }

    /** Holds the timeout to at most {@code timeoutMax} from the next call on (the declared one when shorter). */
    void limitTimeout(Duration timeoutMax) {
        descriptor = limited(declared, timeoutMax);
    }

    /** Calls running now, those whose callers gave up included. */
    int running() {
        return running.get();
    }

    /** Calls still running although their callers gave up on them (timed out or cancelled). */
    int overdue() {
        return overdue.get();
    }

    /**
     * Runs one call: waits for a slot (at most the timeout), starts the call on its own thread, and waits for its end
     * (at most the timeout). Returns at the latest about twice the timeout after it was called.
     *
     * @throws InterruptedException if the caller was interrupted; the call's thread is interrupted too
     */
    Ending run(ToolInvocation call, OverdueListener listener) throws InterruptedException {
        long timeout = descriptor.timeout().toNanos();
        if (!slots.tryAcquire(timeout, TimeUnit.NANOSECONDS)) {
            return new Ending.NoSlot();
        }
        calls.increment();
        running.incrementAndGet();
        AtomicInteger state = new AtomicInteger(RUNNING);
        CompletableFuture<Ending> ending = new CompletableFuture<>();
        long started = System.nanoTime();
        Thread thread;
        try {
            thread = Thread.ofVirtual().name("tool " + name() + " call " + call.callId()).unstarted(() -> {
                try {
                    String output = service.invoke(call);
                    ending.complete(new Ending.Returned(output, System.nanoTime() - started));
                } catch (Throwable e) {
                    ending.complete(new Ending.Threw(e, System.nanoTime() - started));
                } finally {
                    running.decrementAndGet();
                    slots.release();
                    if (!state.compareAndSet(RUNNING, DONE)) {
                        overdue.decrementAndGet();
                        listener.ended(this, call, System.nanoTime() - started - timeout);
                    }
                }
            });
            thread.start();
        } catch (RuntimeException | Error e) {
            running.decrementAndGet();
            slots.release();
            return new Ending.Threw(e, 0);
        }
        try {
            return ending.get(timeout, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (state.compareAndSet(RUNNING, ABANDONED)) {
                overdue.incrementAndGet();
                thread.interrupt();
                return new Ending.TimedOut();
            }
            return ending.join(); // it ended just now
        } catch (InterruptedException e) {
            if (state.compareAndSet(RUNNING, ABANDONED)) {
                overdue.incrementAndGet();
                thread.interrupt();
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: a call's ending is never exceptional", e);
        }
    }
}
