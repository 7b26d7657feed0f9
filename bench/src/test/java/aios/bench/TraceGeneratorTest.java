package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.bench.TraceGenerator.Kind;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TraceGeneratorTest {

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theSameSeedGivesTheSameTraceAndAnotherSeedAnother(Kind kind) {
        TraceGenerator g = new TraceGenerator(kind, 500, 8, 0.8, 4, 0.3);
        assertEquals(g.generate(42).toCsv(), g.generate(42).toCsv());
        assertNotEquals(g.generate(42).toCsv(), g.generate(43).toCsv());
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void offersTheLoadAskedForOnTheSlotsAskedFor(Kind kind) {
        // bursty arrivals come in few long ON/OFF periods: their span varies more, so it gets more tasks
        int tasks = kind == Kind.BURSTY ? 50_000 : 10_000;
        Trace t = new TraceGenerator(kind, tasks, 8, 0.8, 4, 0.3).generate(1);
        double offered = t.totalServiceMicros() / (4.0 * t.spanMicros());
        assertEquals(0.8, offered, 0.8 * 0.05, kind.id() + " offered " + offered);
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void serviceTimesAreAtLeastFiveMillisecondsAndDeadlinesLeaveSlack(Kind kind) {
        Trace t = new TraceGenerator(kind, 5000, 8, 0.8, 4, 0.3).generate(3);
        long withDeadline = 0;
        for (Trace.Row r : t.rows()) {
            assertTrue(r.serviceMicros() >= 5000, r.toString());
            assertTrue(r.priority() >= 0 && r.priority() <= 3, r.toString());
            if (r.hasDeadline()) {
                withDeadline++;
                long slack = r.deadlineMicros() - r.arrivalMicros();
                assertTrue(slack >= 2 * r.serviceMicros() - 1 && slack <= 8 * r.serviceMicros() + 1, r.toString());
            }
        }
        assertEquals(0.3, withDeadline / 5000.0, 0.03);
    }

    @Test
    void theFirstAgentsSendMostInZipfProportions() {
        Trace t = new TraceGenerator(Kind.POISSON, 20_000, 4, 0.8, 1, 0).generate(5);
        Map<String, Long> sent = t.rows().stream()
                .collect(Collectors.groupingBy(Trace.Row::agent, Collectors.counting()));
        // weights 1, 1/2, 1/3, 1/4 of 25/12
        assertEquals(0.48, sent.get("agent-0") / 20_000.0, 0.02);
        assertEquals(0.12, sent.get("agent-3") / 20_000.0, 0.02);
        assertEquals(4, sent.size());
    }

    @Test
    void refusesOptionsOutOfRangeByName() {
        Map<String, Function<Void, TraceGenerator>> bad = Map.of(
                "--tasks", v -> new TraceGenerator(Kind.POISSON, 0, 1, 0.5, 1, 0),
                "--load", v -> new TraceGenerator(Kind.POISSON, 1, 1, 0, 1, 0),
                "--deadlines", v -> new TraceGenerator(Kind.POISSON, 1, 1, 0.5, 1, 1.5));
        bad.forEach((option, make) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> make.apply(null));
            assertTrue(e.getMessage().contains(option), e.getMessage());
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kind.parse("steady"));
        assertEquals("--kind 'steady' is not known: use one of poisson, bursty, heavy-tail", e.getMessage());
    }
}
