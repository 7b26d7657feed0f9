package aios.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.scheduling.Task;
import aios.scheduler.edf.EarliestDeadlineFirst;
import org.junit.jupiter.api.Test;

class IdealSimulationTest {

    private static final long MS = 1_000_000;

    private static Trace trace(String rows) {
        return Trace.parse(Trace.HEADER + "\n" + rows);
    }

    @Test
    void oneSlotRunsTasksBackToBackInPolicyOrder() {
        Schedule s = IdealSimulation.run(trace("""
                0,a,llm,10,0,
                0,b,llm,10,0,
                5,a,llm,10,0,
                """), 1, new ArrivalOrder());
        assertArrayEquals(new long[] {0, 10 * MS, 15 * MS}, s.waitNanos());
        assertArrayEquals(new long[] {10 * MS, 20 * MS, 25 * MS}, s.turnaroundNanos());
    }

    @Test
    void aFreedSlotTakesTheNextTaskAtOnce() {
        // t=0: a and b start; c waits. t=10: a ends, c starts. t=12: d waits. t=20: c ends, d starts.
        Schedule s = IdealSimulation.run(trace("""
                0,a,llm,10,0,
                0,b,llm,30,0,
                0,c,llm,10,0,
                12,d,llm,5,0,
                """), 2, new ArrivalOrder());
        assertArrayEquals(new long[] {0, 0, 10 * MS, 8 * MS}, s.waitNanos());
        assertArrayEquals(new long[] {10 * MS, 30 * MS, 20 * MS, 13 * MS}, s.turnaroundNanos());
        Figures f = Figures.of(trace("""
                0,a,llm,10,0,
                0,b,llm,30,0,
                0,c,llm,10,0,
                12,d,llm,5,0,
                """), s);
        assertEquals(18.25, f.meanTurnaroundMs(), 1e-9);
        assertEquals(4.5, f.meanWaitMs(), 1e-9);
        assertEquals(30, f.makespanMs(), 1e-9);
    }

    /** Feasible on one slot: b by 15, c by 40, a by 100 — but only if b goes before a. */
    private static final String FEASIBLE = """
            0,a,llm,10,0,100
            0,b,llm,10,0,15
            5,c,llm,5,0,40
            """;

    @Test
    void edfMeetsEveryDeadlineOfAFeasibleTraceWhereFifoMissesOne() {
        Trace t = trace(FEASIBLE);
        Figures edf = Figures.of(t, IdealSimulation.run(t, 1, new EarliestDeadlineFirst()));
        Figures fifo = Figures.of(t, IdealSimulation.run(t, 1, new ArrivalOrder()));
        assertEquals(0, edf.misses());
        assertEquals(1, fifo.misses()); // b ends at 20
        assertEquals(25, edf.makespanMs(), 1e-9);
        // edf: b 0–10, c 10–15, a 15–25
        assertArrayEquals(new long[] {25 * MS, 10 * MS, 10 * MS},
                IdealSimulation.run(t, 1, new EarliestDeadlineFirst()).turnaroundNanos());
    }

    @Test
    void aPolicyThatLosesATaskIsReported() {
        ArrivalOrder losing = new ArrivalOrder() {
            private int offers;

            @Override
            public void offer(Task task) {
                if (offers++ != 1) {
                    super.offer(task);
                }
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> IdealSimulation.run(trace(FEASIBLE), 1, losing));
        assertTrue(e.getMessage().startsWith("the policy lost 1 tasks"), e.getMessage());
    }
}
