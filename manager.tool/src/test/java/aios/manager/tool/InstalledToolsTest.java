package aios.manager.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolDescriptor;
import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

class InstalledToolsTest {

    static final String EXPRESSION_SCHEMA = """
            {"type": "object",
             "properties": {"expression": {"type": "string", "maxLength": 20}, "digits": {"type": "integer", "minimum": 1}},
             "required": ["expression"], "additionalProperties": false}""";

    private final InstalledTools tools = new InstalledTools(1000, Duration.ofMinutes(10));
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private long serviceIds = 1;

    InstalledToolsTest() {
        tools.eventAdmin = new EventAdmin() {
            public void postEvent(Event event) {
                events.add(event);
            }

            public void sendEvent(Event event) {
                events.add(event);
            }
        };
    }

    /** A tool for tests: its facts as given, its work a function of the invocation. */
    record TestTool(String name, String parameters, int parallelism, Duration timeout,
                    Function<ToolInvocation, String> work) implements ToolService {
        public String description() {
            return name + " for tests";
        }

        public String invoke(ToolInvocation invocation) {
            return work.apply(invocation);
        }
    }

    private long install(ToolService tool) {
        long id = serviceIds++;
        tools.addTool(tool, id, 0);
        return id;
    }

    private ToolResult.Outcome call(String tool, String arguments) throws InterruptedException {
        return tools.call("alice", "c1", new ToolCall(null, tool, arguments));
    }

    private List<String> topics() {
        synchronized (events) {
            return events.stream().map(Event::getTopic).toList();
        }
    }

    @Test
    void argumentsThatViolateTheSchema_areRefusedWithThePlaceAndTheValidatorsMessage_andTheToolDoesNotRun()
            throws Exception {
        AtomicInteger ran = new AtomicInteger();
        install(new TestTool("calc", EXPRESSION_SCHEMA, 1, Duration.ofSeconds(5), i -> "ran " + ran.incrementAndGet()));

        ToolResult.Outcome typed = call("calc", "{\"expression\": 5}");
        assertFalse(typed.ok());
        assertEquals("tool calc refused the arguments: arguments/expression: integer found, string expected; correct"
                + " them to match the tool's parameter schema (tool:show calc prints it)", typed.error());
        assertTrue(call("calc", "{}").error().contains("arguments: required property 'expression' not found"));
        assertTrue(call("calc", "{\"expression\": \"1\", \"x\": 1}").error().contains("'x' is not defined in the schema"));
        String both = call("calc", "{\"expression\": \"123456789012345678901\", \"digits\": 0}").error();
        assertTrue(both.contains("arguments/expression: must be at most 20 characters long"), both);
        assertTrue(both.contains("arguments/digits: must have a minimum value of 1"), both);

        assertTrue(call("calc", "{\"expression\": ").error().startsWith("the arguments of tool calc are not valid JSON"));
        assertTrue(call("calc", "[1, 2]").error().contains("are a JSON array, not an object"));
        assertTrue(call("calc", "{\"expression\": \"1\", \"expression\": \"2\"}").error().contains("Duplicate field"),
                "duplicate keys could mean one thing to the schema and another to the tool");
        assertTrue(call("calc", "{\"expression\": \"1\"} {}").error().contains("not valid JSON"));
        assertTrue(call("calc", "{\"expression\": \"" + "1".repeat(1000) + "\"}").error()
                .contains("more than arguments.max.chars (1000) of aios.tool"));
        assertEquals(0, ran.get());
        assertTrue(topics().stream().allMatch(KernelEvents.TOOL_REFUSED::equals), topics().toString());

        assertEquals(ToolResult.Outcome.success("c1", "calc", "ran 1"), call("calc", "{\"expression\": \"1+1\"}"));
        assertEquals(KernelEvents.TOOL_COMPLETED, topics().get(topics().size() - 1));
    }

    @Test
    void aToolWithAnInvalidNameOrSchema_isRefusedWhenItAppears_andCallsSayWhy() throws Exception {
        install(new TestTool("bad", "{\"type\": \"object\", \"properties\": {\"a\": {\"minimum\": \"x\"}}}", 1,
                Duration.ofSeconds(1), i -> "never"));
        install(new TestTool("text", "{\"type\": \"string\"}", 1, Duration.ofSeconds(1), i -> "never"));
        install(new TestTool("broken", "{\"type\": ", 1, Duration.ofSeconds(1), i -> "never"));
        install(new TestTool("remote", "{\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": "
                + "\"http://127.0.0.1:9/a.json\"}}}", 1, Duration.ofSeconds(1), i -> "never"));
        install(new TestTool("two words", "{\"type\": \"object\"}", 1, Duration.ofSeconds(1), i -> "never"));
        install(new TestTool("zero", "{\"type\": \"object\"}", 0, Duration.ofSeconds(1), i -> "never"));
        assertEquals(List.of(), tools.tools());
        List<String> reasons = tools.refusals().stream().map(InstalledTools.Refusal::reason).toList();
        assertEquals(6, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).contains("is not a valid JSON Schema: schema/properties/a/minimum: string found,"
                + " number expected"), reasons.get(0));
        assertTrue(reasons.get(1).contains("does not describe a JSON object"), reasons.get(1));
        assertTrue(reasons.get(2).contains("is not valid JSON"), reasons.get(2));
        assertTrue(reasons.get(3).contains("cannot be used"), reasons.get(3));
        assertTrue(reasons.get(4).contains("tool name 'two words' is not valid"), reasons.get(4));
        assertTrue(reasons.get(5).contains("parallelism 0"), reasons.get(5));

        ToolResult.Outcome o = call("bad", "{}");
        assertTrue(o.error().startsWith("tool bad cannot be called: it was refused when it was installed: "), o.error());
        assertEquals("no tool named 'nope' is installed: no tool is installed; drop a tool bundle into bundles/",
                call("nope", "{}").error());
        tools.removeTool(1);
        assertEquals(5, tools.refusals().size());
    }

    @Test
    void concurrentCallsNeverExceedTheToolsParallelism() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        install(new TestTool("slow", "{\"type\": \"object\"}", 2, Duration.ofSeconds(30), i -> {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                now.decrementAndGet();
            }
            return i.callId();
        }));
        try (ExecutorService callers = Executors.newFixedThreadPool(20)) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ToolResult.Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String id = "call-" + i;
                outcomes.add(callers.submit(() -> {
                    go.await();
                    return tools.call("alice", id, new ToolCall(id, "slow", "{}"));
                }));
            }
            go.countDown();
            for (int i = 0; i < 20; i++) {
                ToolResult.Outcome o = outcomes.get(i).get(30, TimeUnit.SECONDS);
                assertTrue(o.ok(), o.toString());
                assertEquals("call-" + i, o.output());
            }
        }
        assertEquals(2, peak.get(), "the measured peak of concurrent calls");
        assertEquals(20, tools.status().get(0).calls());
        assertEquals(0, tools.status().get(0).running());
    }

    @Test
    void aCallPastItsTimeout_isInterrupted_andItsCallerToldAtOnce() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        install(new TestTool("sleepy", "{\"type\": \"object\"}", 1, Duration.ofMillis(200), i -> {
            try {
                Thread.sleep(10_000);
                return "woke";
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw new IllegalStateException("interrupted");
            }
        }));
        long t0 = System.nanoTime();
        ToolResult.Outcome o = call("sleepy", "{}");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertFalse(o.ok());
        assertEquals("tool sleepy did not finish within its timeout of 200 ms and was interrupted; try again with less"
                + " work, or ask for a longer timeout", o.error());
        assertTrue(ms >= 190 && ms < 2000, "returned after " + ms + " ms");
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the tool's thread was interrupted");
        Event timedOut = events.stream().filter(e -> e.getTopic().equals(KernelEvents.TOOL_TIMED_OUT)).findFirst()
                .orElseThrow();
        assertEquals(200L, timedOut.getProperty(KernelEvents.TIMEOUT));
        assertEquals("alice", timedOut.getProperty(KernelEvents.AGENT));
        assertEquals("sleepy", timedOut.getProperty(KernelEvents.TOOL));
    }

    @Test
    void aToolIgnoringTheInterruption_doesNotHoldItsCaller_butKeepsItsSlotUntilItReallyEnds() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        install(new TestTool("stubborn", "{\"type\": \"object\", \"properties\": {\"hang\": {\"type\": \"boolean\"}}}",
                1, Duration.ofMillis(200), i -> {
                    peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                    try {
                        if (i.arguments().contains("true")) {
                            while (true) { // ignores every interruption until released
                                try {
                                    if (release.await(1, TimeUnit.SECONDS)) {
                                        break;
                                    }
                                } catch (InterruptedException ignored) {
                                    // a stubborn tool
                                }
                            }
                        }
                        return "done";
                    } finally {
                        now.decrementAndGet();
                        ended.countDown();
                    }
                }));
        long t0 = System.nanoTime();
        ToolResult.Outcome first = call("stubborn", "{\"hang\": true}");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(first.error().contains("did not finish within its timeout of 200 ms"), first.error());
        assertTrue(ms < 1000, "the caller waited " + ms + " ms");
        assertEquals(1, tools.status().get(0).running());
        assertEquals(1, tools.status().get(0).overdue());

        ToolResult.Outcome second = call("stubborn", "{\"hang\": false}");
        assertEquals("tool stubborn found no free slot within its timeout of 200 ms: its 1 slot(s) (parallelism 1) are"
                + " taken by calls still running (1 of them past their timeout, ignoring the interruption); try again"
                + " later", second.error());

        release.countDown();
        assertTrue(ended.await(5, TimeUnit.SECONDS));
        // the slot is free again once the stubborn call has really ended
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (tools.status().get(0).running() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(ToolResult.Outcome.success("c1", "stubborn", "done"), call("stubborn", "{}"));
        assertEquals(1, peak.get(), "never more than its parallelism at once");
        assertEquals(0, tools.status().get(0).overdue());
        assertEquals(2, tools.status().get(0).timedOut());
    }

    @Test
    void anInterruptedCaller_interruptsTheToolAndThrows() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        install(new TestTool("wait", "{\"type\": \"object\"}", 1, Duration.ofSeconds(30), i -> {
            started.countDown();
            try {
                Thread.sleep(30_000);
                return "woke";
            } catch (InterruptedException e) {
                interrupted.countDown();
                return "interrupted";
            }
        }));
        AtomicBoolean threw = new AtomicBoolean();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                call("wait", "{}");
            } catch (InterruptedException e) {
                threw.set(true);
            }
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        caller.interrupt();
        caller.join(5000);
        assertTrue(threw.get());
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
    }

    @Test
    void aToolThatThrowsOrReturnsNothing_failsTheCallWithAMessage() throws Exception {
        install(new TestTool("thrower", "{\"type\": \"object\"}", 1, Duration.ofSeconds(5), i -> {
            throw new IllegalArgumentException("the file notes.txt does not exist: list the directory first");
        }));
        install(new TestTool("silent", "{\"type\": \"object\"}", 1, Duration.ofSeconds(5), i -> null));
        assertEquals("tool thrower failed: the file notes.txt does not exist: list the directory first",
                call("thrower", "{}").error());
        assertTrue(call("silent", "{}").error().contains("returned no output (null)"));
        assertEquals(List.of(KernelEvents.TOOL_FAILED, KernelEvents.TOOL_FAILED), topics());
    }

    @Test
    void ofTwoToolsWithOneName_theHigherRankedIsUsed_andTheOtherTakesOverWhenItGoes() throws Exception {
        tools.addTool(new TestTool("x", "{\"type\": \"object\"}", 1, Duration.ofSeconds(5), i -> "low"), 10, 0);
        tools.addTool(new TestTool("x", "{\"type\": \"object\"}", 1, Duration.ofSeconds(5), i -> "high"), 11, 5);
        assertEquals("high", call("x", "{}").output());
        tools.removeTool(11);
        assertEquals("low", call("x", "{}").output());
        tools.removeTool(10);
        assertTrue(tools.tool("x").isEmpty());
        assertTrue(call("x", "{}").error().startsWith("no tool named 'x' is installed"));
    }

    @Test
    void aTimeoutLongerThanTheManagersMaximum_isHeldToIt() {
        InstalledTools capped = new InstalledTools(1000, Duration.ofSeconds(2));
        capped.addTool(new TestTool("long", "{\"type\": \"object\"}", 3, Duration.ofHours(1), i -> ""), 1, 0);
        ToolDescriptor d = capped.tool("long").orElseThrow();
        assertEquals(Duration.ofSeconds(2), d.timeout());
        assertEquals(3, d.parallelism());
        assertEquals(List.of(d), capped.tools());
    }

    private static ToolConfig config(int argumentsMaxChars, long timeoutMaxMs) {
        return new ToolConfig() {
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return ToolConfig.class;
            }

            public int arguments_max_chars() {
                return argumentsMaxChars;
            }

            public long timeout_max_ms() {
                return timeoutMaxMs;
            }
        };
    }

    @Test
    void aNewConfiguration_appliesToTheToolsAlreadyInstalled_andABadOneChangesNothing() throws Exception {
        InstalledTools managed = new InstalledTools();
        managed.addTool(new TestTool("t", "{\"type\": \"object\"}", 1, Duration.ofSeconds(30), i -> "ok"), 1, 0);
        managed.activate(config(10, 1000));
        assertEquals(Duration.ofSeconds(1), managed.tool("t").orElseThrow().timeout());
        assertTrue(managed.call("a", "1", new ToolCall(null, "t", "{\"padding\": 1}")).error()
                .contains("more than arguments.max.chars (10)"));
        managed.modified(config(0, -1));
        assertEquals(Duration.ofSeconds(1), managed.tool("t").orElseThrow().timeout(), "a bad configuration changes nothing");
        managed.modified(config(100, 60_000));
        assertEquals(Duration.ofSeconds(30), managed.tool("t").orElseThrow().timeout());
    }

    @Test
    void theCommandsListToolsAndRefusals() {
        install(new TestTool("calc", EXPRESSION_SCHEMA, 4, Duration.ofSeconds(5), i -> ""));
        install(new TestTool("bad", "{\"type\": \"string\"}", 1, Duration.ofSeconds(1), i -> ""));
        ToolCommands commands = new ToolCommands(tools, null);
        String ls = commands.ls();
        assertTrue(ls.startsWith("NAME  REVERSIBLE  PARALLELISM  RUNNING  CALLS  FAILED  TIMED OUT  REFUSED  TIMEOUT"
                + "  DESCRIPTION\ncalc  yes         4            0        0      0       0          0        5 s      "
                + "calc for tests\n"), ls);
        assertTrue(ls.contains("refused: tool 'bad' (service 2): the parameter schema of tool 'bad' does not describe"),
                ls);
        assertTrue(commands.show("calc").contains("\"maxLength\" : 20"));
        var e = assertThrows(IllegalArgumentException.class, () -> commands.show("nope"));
        assertEquals("no tool named 'nope' is installed: installed are calc", e.getMessage());
        assertThrows(IllegalStateException.class, () -> commands.call(60, "alice", "calc", "{}"));
    }
}
