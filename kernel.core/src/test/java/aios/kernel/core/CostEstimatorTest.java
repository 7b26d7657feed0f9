package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Scheduling;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CostEstimatorTest {

    @Test
    void aHintWins_thenOwnHistory_thenOthersHistory_thenThePrior() {
        CostEstimator e = new CostEstimator();
        LlmQuery a = LlmQuery.chat("a", "x");
        LlmQuery b = LlmQuery.chat("b", "x");
        assertEquals(CostEstimator.prior(Resource.LLM), e.estimate(a, a.kind()));
        assertEquals(7_000, e.estimate(a.withScheduling(Scheduling.DEFAULT.withCostHint(Duration.ofNanos(7_000))), a.kind()));
        for (int i = 0; i < 50; i++) {
            e.record(a, a.kind(), 2_000_000);
        }
        assertEquals(2_000_000, e.estimate(a, a.kind()), 1_000);
        assertEquals(2_000_000, e.estimate(b, b.kind()), 1_000, "an agent without history gets everyone's mean");
        for (int i = 0; i < 50; i++) {
            e.record(b, b.kind(), 10_000_000);
        }
        assertEquals(10_000_000, e.estimate(b, b.kind()), 10_000);
        assertEquals(2_000_000, e.estimate(a, a.kind()), 1_000, "agents' own means stay apart");
        assertEquals(CostEstimator.prior(Resource.MEMORY), e.estimate(new MemoryQuery("a", new MemoryOperation.Get("1")), "memory.get"));
        e.record(a, a.kind(), 4_000_000);
        assertTrue(e.estimate(a, a.kind()) > 2_000_000 && e.estimate(a, a.kind()) < 4_000_000, "a new sample moves the mean part way");
    }
}
