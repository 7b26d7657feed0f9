package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FiguresTest {

    @Test
    void jainIsOneForEqualSlowdownsAndFallsTowardOneOverNForOneVictim() {
        assertEquals(1.0, Figures.jain(new double[] {3, 3, 3}), 1e-12);
        assertEquals(0.9, Figures.jain(new double[] {2, 1}), 1e-12);
        assertEquals(0.25, Figures.jain(new double[] {1e9, 0, 0, 0}), 1e-12);
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        assertEquals(5, Figures.percentile(sorted, 50));
        assertEquals(10, Figures.percentile(sorted, 95));
        assertEquals(1, Figures.percentile(sorted, 1));
    }

    @Test
    void slowdownIsAveragedPerAgentAndANeverRunTaskWithADeadlineIsAMiss() {
        Trace t = Trace.parse(Trace.HEADER + """

                0,a,llm,10,0,
                0,a,llm,10,0,
                0,b,llm,10,0,100
                0,b,llm,10,0,100
                """);
        long ms = 1_000_000;
        // a: slowdowns 1 and 3 (mean 2); b: 1, and one task refused
        Schedule s = new Schedule(new long[] {0, 20 * ms, 0, Schedule.NOT_RUN},
                new long[] {10 * ms, 30 * ms, 10 * ms, Schedule.NOT_RUN});
        Figures f = Figures.of(t, s);
        assertEquals(3, f.completed());
        assertEquals(1, f.misses());
        assertEquals(0.9, f.jain(), 1e-12);
        assertEquals(50.0 / 3, f.meanTurnaroundMs(), 1e-9);
    }
}
