package aios.bench;

import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * A simulated model with a fixed number of parallel slots: each call takes a slot and holds it for the call's
 * service time, read from its cost hint ({@code Scheduling.costHint}), then answers. A call that finds every slot
 * taken waits for one and is counted in {@link #slotWaits()}: with as many kernel workers as slots that never
 * happens, and when it does the kernel's policy no longer decides the order. Registered by
 * {@code bench:schedule} only while it replays a trace.
 */
final class SlotBackend implements LlmBackend {

    private final String model;
    private final Semaphore slots;
    private final LongAdder slotWaits = new LongAdder();

    SlotBackend(String model, int slots) {
        this.model = model;
        this.slots = new Semaphore(slots);
    }

    @Override
    public List<String> models() {
        return List.of(model);
    }

    @Override
    public LlmResult complete(LlmQuery query) throws InterruptedException {
        if (query.scheduling().costHint() == null) {
            throw new IllegalArgumentException("model " + model + " holds a call for its cost hint, but this query"
                    + " has none: give Scheduling.costHint the service time");
        }
        if (!slots.tryAcquire()) {
            slotWaits.increment();
            slots.acquire();
        }
        try {
            PreciseSleep.until(System.nanoTime() + query.scheduling().costHint().toNanos());
        } finally {
            slots.release();
        }
        return new LlmResult("ok", List.of(), "stop", 1, 1, model);
    }

    /** Calls that found every slot taken. */
    long slotWaits() {
        return slotWaits.sum();
    }
}
