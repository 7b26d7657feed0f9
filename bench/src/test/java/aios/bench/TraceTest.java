package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TraceTest {

    private static final String HEADER = Trace.HEADER + "\n";

    @Test
    void aGeneratedTraceSurvivesItsCsvForm() {
        for (TraceGenerator.Kind kind : TraceGenerator.Kind.values()) {
            Trace trace = new TraceGenerator(kind, 300, 5, 0.9, 2, 0.5).generate(7);
            assertEquals(trace, Trace.parse(trace.toCsv()), kind.id());
        }
    }

    @Test
    void readsDecimalsToTheMicrosecondAndAnEmptyDeadlineAsNone() {
        Trace t = Trace.parse(HEADER + "1.5,alice,llm,10,2,40.0004\n3,bob,LLM,7.25,-1,\n");
        assertEquals(List.of(
                new Trace.Row(1500, "alice", Resource.LLM, 10_000, 2, 40_000),
                new Trace.Row(3000, "bob", Resource.LLM, 7250, -1, Trace.Row.NO_DEADLINE)), t.rows());
        assertTrue(t.rows().get(0).hasDeadline());
        assertFalse(t.rows().get(1).hasDeadline());
        assertEquals("1.500,alice,llm,10.000,2,40.000\n", t.toCsv().lines().skip(1).findFirst().orElseThrow() + "\n");
    }

    @Test
    void sortsRowsByArrivalKeepingFileOrderForTies() {
        Trace t = Trace.parse(HEADER + "5,c,llm,1,0,\n0,a,llm,1,0,\n\n5,b,llm,1,0,\n");
        assertEquals(List.of("a", "c", "b"), t.rows().stream().map(Trace.Row::agent).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "wrong header      | arrival,agent,resource,service,priority,deadline\\n | trace line 1: the header must be",
            "empty file        |                                                   | trace line 1: the header must be",
            "too few fields    | HEADER0,alice,llm,10,0\\n                          | trace line 2: 5 fields, expected 6",
            "arrival not a num | HEADER0,alice,llm,10,0,\\nsoon,bob,llm,10,0,\\n       | trace line 3, field arrival_ms: 'soon' is not a number",
            "negative arrival  | HEADER-1,alice,llm,10,0,\\n                        | trace line 2, field arrival_ms: '-1'",
            "bad agent name    | HEADER0,al ice,llm,10,0,\\n                        | trace line 2, field agent: 'al ice' is not an agent name",
            "unknown resource  | HEADER0,alice,gpu,10,0,\\n                         | trace line 2, field resource: 'gpu' is not a resource",
            "zero service      | HEADER0,alice,llm,0,0,\\n                          | trace line 2, field service_ms: '0' is not a duration > 0",
            "service NaN       | HEADER0,alice,llm,NaN,0,\\n                        | trace line 2, field service_ms: 'NaN'",
            "priority word     | HEADER0,alice,llm,10,high,\\n                      | trace line 2, field priority: 'high' is not an integer",
            "deadline early    | HEADER10,alice,llm,10,0,5\\n                       | trace line 2, field deadline_ms: '5' is not empty or a time ≥ arrival_ms (10)",
    })
    void badInputNamesTheLineTheFieldAndTheValue(String what, String csv, String expected) {
        String text = csv == null ? "" : csv.replace("HEADER", HEADER).replace("\\n", "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trace.parse(text));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
