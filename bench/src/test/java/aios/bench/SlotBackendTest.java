package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Resource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SlotBackendTest {

    @Test
    void holdsACallForItsCostHint() throws Exception {
        SlotBackend b = new SlotBackend("slots", 1);
        LlmQuery q = Replay.query(new Trace.Row(0, "a", Resource.LLM, 20_000, 0, Trace.Row.NO_DEADLINE), "slots",
                Instant.now());
        long t0 = System.nanoTime();
        assertEquals("slots", b.complete(q).model());
        assertTrue(System.nanoTime() - t0 >= 20_000_000);
        assertEquals(0, b.slotWaits());
    }

    @Test
    void refusesACallWithoutCostHint() {
        SlotBackend b = new SlotBackend("slots", 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.complete(LlmQuery.chat("a", "hi")));
        assertTrue(e.getMessage().contains("has none: give Scheduling.costHint the service time"), e.getMessage());
    }
}
