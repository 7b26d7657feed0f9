package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolManager;
import aios.kernel.api.tool.ToolService;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Tools in the assembled kernel: the shipped tool manager and tool bundles (calc, files, http) through real tool
 * syscalls, schema checks, a parallelism limit under concurrent calls, a hanging tool stopped at its timeout, a tool
 * bundle stopped and started, and a model's tool calls run through the same path. Without an access manager the
 * kernel lets no agent call a tool, so this test installs a small access policy that allows everything (ranked
 * above any other).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ToolsIT {

    private BundleContext context;
    private Kernel kernel;
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<Event> toolEvents = new CopyOnWriteArrayList<>();

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    @Before
    public void setUp() throws Exception {
        context = FrameworkUtil.getBundle(ToolsIT.class).getBundleContext();
        kernel = context.getService(context.getServiceReference(Kernel.class));
        Hashtable<String, Object> ranked = new Hashtable<>(Map.of(Constants.SERVICE_RANKING, 1000));
        registrations.add(context.registerService(AccessPolicy.class, call -> AccessDecision.allow(), ranked));
        registrations.add(context.registerService(EventHandler.class, toolEvents::add,
                new Hashtable<>(Map.of(EventConstants.EVENT_TOPIC, "aios/tool/*"))));
        await("the calc tool", () -> manager().tool("calc").orElse(null));
        kernel.register("alice");
        kernel.register("bob");
    }

    @After
    public void tearDown() {
        registrations.forEach(ServiceRegistration::unregister);
    }

    private ToolManager manager() {
        ServiceReference<ToolManager> ref = context.getServiceReference(ToolManager.class);
        return ref == null ? null : context.getService(ref);
    }

    private ToolResult.Outcome call(String agent, String tool, String arguments) throws Exception {
        return run(agent, new ToolCall(null, tool, arguments)).outcomes().get(0);
    }

    private ToolResult run(String agent, ToolCall... calls) throws Exception {
        SyscallHandle h = kernel.submit(new ToolQuery(agent, List.of(calls), null));
        return (ToolResult) h.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private String shell(String command) throws Exception {
        return GogoShell.execute(context, command);
    }

    /** A tool service registered by this test. */
    private void register(ToolService tool) {
        registrations.add(context.registerService(ToolService.class, tool, null));
    }

    private record TestTool(String name, int parallelism, Duration timeout, Work work) implements ToolService {
        interface Work {
            String run(ToolInvocation call) throws Exception;
        }

        public String description() {
            return name + ", a tool of the integration test";
        }

        public String parameters() {
            return "{\"type\": \"object\", \"properties\": {\"ms\": {\"type\": \"integer\", \"minimum\": 0}},"
                    + " \"additionalProperties\": false}";
        }

        public String invoke(ToolInvocation call) throws Exception {
            return work.run(call);
        }
    }

    @Test
    public void theShippedToolsAreListed_andCalcIsExact() throws Exception {
        String ls = shell("tool:ls");
        for (String tool : List.of("calc", "file_list", "file_read", "file_write", "http_get", "http_post")) {
            assertTrue(ls, ls.contains("\n" + tool + " "));
        }
        assertTrue(ls, ls.contains("\nhttp_post   no "));

        assertEquals("{\"value\":\"0.3\",\"decimal\":\"0.3\",\"decimal_exact\":true}",
                call("alice", "calc", "{\"expression\": \"0.1 + 0.2\"}").output());
        assertTrue(call("alice", "calc", "{\"expression\": \"1/3 * 3\"}").output().startsWith("{\"value\":\"1\","));
        ToolResult.Outcome zero = call("alice", "calc", "{\"expression\": \"1/(2-2)\"}");
        assertEquals("tool calc failed: at position 2 of '1/(2-2)': division by zero: the divisor after this '/' is 0",
                zero.error());
        assertTrue(shell("tool:call alice calc '{\"expression\": \"2^100\"}'")
                .contains("\"value\":\"1267650600228229401496703205376\""));
        await("a COMPLETED event of calc", () -> toolEvents.stream().filter(e -> e.getTopic().equals(
                KernelEvents.TOOL_COMPLETED) && "calc".equals(e.getProperty(KernelEvents.TOOL))).findFirst().orElse(null));
    }

    @Test
    public void aCallViolatingTheSchema_isRefusedWithTheValidatorsMessage() throws Exception {
        ToolResult.Outcome typed = call("alice", "calc", "{\"expression\": 5}");
        assertFalse(typed.ok());
        assertTrue(typed.error(), typed.error().startsWith("tool calc refused the arguments: arguments/expression:"
                + " integer found, string expected"));
        assertTrue(call("alice", "calc", "{\"expr\": \"1\"}").error()
                .contains("arguments: required property 'expression' not found"));
        Exception shellError = assertThrows(Exception.class, () -> shell("tool:call alice calc '{\"expression\": 5}'"));
        assertTrue(shellError.getMessage(), shellError.getMessage().contains("integer found, string expected"));
        await("a REFUSED event", () -> toolEvents.stream().filter(e -> e.getTopic().equals(KernelEvents.TOOL_REFUSED))
                .findFirst().orElse(null));
    }

    @Test
    public void twentyConcurrentCallsOfAToolWithParallelismTwo_neverRunMoreThanTwoAtOnce() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        register(new TestTool("slots", 2, Duration.ofSeconds(30), call -> {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                Thread.sleep(30);
            } finally {
                now.decrementAndGet();
            }
            return "ran " + call.callId();
        }));
        await("the slots tool", () -> manager().tool("slots").orElse(null));
        List<SyscallHandle> handles = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            handles.add(kernel.submit(new ToolQuery(i % 2 == 0 ? "alice" : "bob",
                    List.of(new ToolCall("c" + i, "slots", "{}")), null)));
        }
        for (int i = 0; i < 20; i++) {
            ToolResult r = (ToolResult) handles.get(i).result().toCompletableFuture().get(60, TimeUnit.SECONDS);
            assertEquals(ToolResult.Outcome.success("c" + i, "slots", "ran c" + i), r.outcomes().get(0));
        }
        assertEquals("the measured peak of concurrent calls", 2, peak.get());
    }

    @Test
    public void aHangingToolIsStoppedAtItsTimeout_andKeepsItsSlotUntilItEnds() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        register(new TestTool("stubborn", 1, Duration.ofMillis(200), call -> {
            peak.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (call.arguments().contains("\"ms\": 1") && System.nanoTime() < end) {
                    try { // ignores interruptions: only the latch lets it go
                        if (release.await(50, TimeUnit.MILLISECONDS)) {
                            break;
                        }
                    } catch (InterruptedException ignored) {
                        // stubborn
                    }
                }
                return "done";
            } finally {
                now.decrementAndGet();
            }
        }));
        await("the stubborn tool", () -> manager().tool("stubborn").orElse(null));
        try {
            long t0 = System.nanoTime();
            ToolResult.Outcome hung = call("alice", "stubborn", "{\"ms\": 1}");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals("tool stubborn did not finish within its timeout of 200 ms and was interrupted; try again with"
                    + " less work, or ask for a longer timeout", hung.error());
            assertTrue("the caller had its outcome after " + ms + " ms", ms < 2000);

            ToolResult.Outcome blocked = call("bob", "stubborn", "{\"ms\": 0}");
            assertTrue(blocked.error(), blocked.error().startsWith("tool stubborn found no free slot within its"
                    + " timeout of 200 ms"));
            assertTrue(shell("tool:ls"), shell("tool:ls").contains("1 (1 overdue)"));
            await("a TIMED_OUT event", () -> toolEvents.stream().filter(e -> e.getTopic().equals(
                    KernelEvents.TOOL_TIMED_OUT)).findFirst().orElse(null));
        } finally {
            release.countDown();
        }
        await("the stubborn call's end", () -> now.get() == 0 ? true : null);
        await("its slot free again", () -> {
            ToolResult.Outcome o = call("bob", "stubborn", "{\"ms\": 0}");
            return o.ok() ? o : null;
        });
        assertEquals("never more than its one slot at once", 1, peak.get());
    }

    @Test
    public void aStoppedToolBundle_takesItsToolAway_andAStartedOneBringsItBack() throws Exception {
        Bundle calc = null;
        for (Bundle b : context.getBundles()) {
            if ("aios.tool.calc".equals(b.getSymbolicName())) {
                calc = b;
            }
        }
        assertTrue("aios.tool.calc is in the assembly", calc != null);
        calc.stop();
        try {
            await("calc gone", () -> manager().tool("calc").isEmpty() ? true : null);
            assertFalse(shell("tool:ls").contains("\ncalc "));
            SyscallRejectedException e = assertThrows(SyscallRejectedException.class,
                    () -> kernel.submit(new ToolQuery("alice", new ToolCall(null, "calc", "{\"expression\": \"1\"}"))));
            assertEquals(SyscallRejectedException.Reason.NO_SERVICE, e.reason());
            assertTrue(e.getMessage(), e.getMessage().startsWith("no tool named 'calc' is installed: installed are "));
            assertTrue(e.getMessage(), e.getMessage().contains("file_read"));
        } finally {
            calc.start();
        }
        await("calc back", () -> manager().tool("calc").orElse(null));
        assertTrue(call("alice", "calc", "{\"expression\": \"6*7\"}").output().contains("\"value\":\"42\""));
    }

    @Test
    public void theFileToolsWorkOnTheCallersOwnFiles() throws Exception {
        assertEquals("{\"path\":\"notes/tools.md\",\"version\":1}",
                call("alice", "file_write", "{\"path\": \"notes/tools.md\", \"content\": \"alice's notes\"}").output());
        assertEquals("alice's notes", call("alice", "file_read", "{\"path\": \"notes/tools.md\"}").output());
        assertEquals("{\"path\":\"notes\",\"entries\":[\"tools.md\"]}",
                call("alice", "file_list", "{\"path\": \"notes\"}").output());
        ToolResult.Outcome bobs = call("bob", "file_read", "{\"path\": \"notes/tools.md\"}");
        assertFalse("bob reads his own namespace, where the file is not", bobs.ok());
        ToolResult.Outcome escape = call("bob", "file_read", "{\"path\": \"../alice/notes/tools.md\"}");
        assertFalse(escape.ok());
        assertTrue(escape.error(), escape.error().contains("../alice/notes/tools.md"));
        assertTrue(call("alice", "file_read", "{\"path\": \"notes/tools.md\", \"agent\": \"bob\"}").error()
                .contains("'agent' is not defined in the schema"));
    }

    @Test
    public void theHttpToolsReachLoopbackOnly() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hello", x -> {
            byte[] body = ("hello " + x.getRequestMethod() + " "
                    + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hello";
            ToolResult.Outcome get = call("alice", "http_get", "{\"url\": \"" + url + "\"}");
            assertTrue(get.toString(), get.ok() && get.output().contains("\"status\":200")
                    && get.output().contains("\"body\":\"hello GET \""));
            ToolResult.Outcome post = call("alice", "http_post", "{\"url\": \"" + url + "\", \"body\": \"ping\"}");
            assertTrue(post.toString(), post.output().contains("\"body\":\"hello POST ping\""));
            ToolResult.Outcome away = call("alice", "http_get", "{\"url\": \"http://example.invalid/\"}");
            assertEquals("tool http_get failed: http_get: host 'example.invalid' is not on the allowlist (hosts of"
                    + " aios.tool.http: 127.0.0.1, ::1, localhost): an operator can add it to the hosts of aios.tool.http",
                    away.error());
            assertTrue(call("alice", "http_get", "{\"url\": \"not a url\"}").error().contains("arguments/url"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    public void aModelsToolCallsRunThroughTheSamePath() throws Exception {
        registrations.add(context.registerService(LlmBackend.class, new LlmBackend() {
            public List<String> models() {
                return List.of("tool-caller");
            }

            public LlmResult complete(LlmQuery query) {
                // a fixed answer, as a model asked for tool calls would give
                return new LlmResult("", List.of(new ToolCall("call_1", "calc", "{\"expression\": \"2^10\"}"),
                        new ToolCall("call_2", "calc", "{\"expression\": \"1/0\"}")), "tool_calls", 12, 20,
                        "tool-caller");
            }
        }, null));
        LlmQuery ask = new LlmQuery("alice", List.of(Message.user("what is 2^10, and 1/0?")),
                List.of(manager().tool("calc").orElseThrow().spec()), LlmAction.TOOL_CALL, null, "tool-caller",
                Scheduling.DEFAULT);
        LlmResult answer = (LlmResult) kernel.submit(ask).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(2, answer.toolCalls().size());

        ToolResult r = (ToolResult) kernel.submit(ToolQuery.of("alice", answer)).result().toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        assertEquals("call_1", r.outcomes().get(0).callId());
        assertTrue(r.outcomes().get(0).output().contains("\"value\":\"1024\""));
        assertFalse(r.outcomes().get(1).ok());
        assertTrue(r.outcomes().get(1).error().contains("division by zero"));
        List<Message> back = r.messages();
        assertEquals(Role.TOOL, back.get(1).role());
        assertEquals("call_2", back.get(1).toolCallId());
        assertTrue(back.get(1).content().startsWith("error: tool calc failed"));
    }
}
