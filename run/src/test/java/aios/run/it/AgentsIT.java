package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static aios.run.it.LocalModelIT.props;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentRunner;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolService;
import aios.sdk.Agent;
import aios.sdk.AgentKilledException;
import aios.sdk.AgentSession;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Agent processes in the assembled kernel: agents written with the SDK run through the shell's aios:run, aios:ps,
 * aios:wait and aios:kill; a kill cancels the syscall the process waits for; an agent that throws ends FAILED; and the
 * example ReAct agent, planning with a scripted model, calls calc and file_write and answers with the computed value.
 * The test's own agents, tools, model and access policy are services of this test bundle, registered per test.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AgentsIT {

    private static final int TIMEOUT_S = 30;

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    private BundleContext context;
    private Kernel kernel;
    private AgentRunner runner;
    private final List<ServiceRegistration<?>> registered = new ArrayList<>();
    private final List<Event> agentEvents = new CopyOnWriteArrayList<>();
    private final List<Event> syscallEvents = new CopyOnWriteArrayList<>();

    @Before
    public void services() throws Exception {
        context = FrameworkUtil.getBundle(AgentsIT.class).getBundleContext();
        kernel = context.getService(context.getServiceReference(Kernel.class));
        runner = await("the agent runtime", () -> {
            var ref = context.getServiceReference(AgentRunner.class);
            return ref == null ? null : context.getService(ref);
        });
        register(EventHandler.class, (EventHandler) agentEvents::add, props(EventConstants.EVENT_TOPIC, "aios/agent/*"));
        register(EventHandler.class, (EventHandler) syscallEvents::add, props(EventConstants.EVENT_TOPIC, "aios/syscall/*"));
    }

    @After
    public void unregister() {
        registered.forEach(ServiceRegistration::unregister);
        registered.clear();
    }

    private <S> void register(Class<S> type, S service, java.util.Dictionary<String, Object> properties) {
        registered.add(context.registerService(type, service, properties));
    }

    /** Registers an agent and waits until the runtime lists it. */
    private void install(Agent agent) throws Exception {
        register(Agent.class, agent, null);
        await("agent " + agent.name() + " installed", () -> runner.agents().stream()
                .anyMatch(a -> a.name().equals(agent.name())) ? true : null);
    }

    interface Body {
        String run(AgentSession session, String input) throws Exception;
    }

    private static Agent agent(String name, Body body) {
        return new Agent() {
            public String name() {
                return name;
            }

            public String description() {
                return "the test agent " + name;
            }

            public String run(AgentSession session, String input) throws Exception {
                return body.run(session, input);
            }
        };
    }

    private String shell(String command) throws Exception {
        return GogoShell.execute(context, command);
    }

    private static long number(String processId) {
        assertTrue(processId, processId.matches("p\\d+"));
        return Long.parseLong(processId.substring(1));
    }

    private List<Event> agentEvents(String topic, long process) {
        return agentEvents.stream().filter(e -> e.getTopic().equals(topic)
                && Long.valueOf(process).equals(e.getProperty(KernelEvents.PROCESS))).toList();
    }

    @Test
    public void runPsAndWaitThroughTheShell_aThrowingAgentEndsFailed_andAnUnknownNameListsTheInstalledAgents()
            throws Exception {
        install(agent("notes", (session, input) -> {
            session.storage().write("inbox/note.txt", input);
            return "stored: " + session.storage().read("inbox/note.txt");
        }));
        install(agent("thrower", (session, input) -> {
            throw new IllegalStateException("the thrower always fails");
        }));

        String id = shell("aios:run notes buy milk");
        assertEquals("stored: buy milk", shell("aios:wait " + id));
        String ps = shell("aios:ps");
        assertTrue(ps, ps.startsWith("ID  "));
        assertTrue(ps, ps.matches("(?s).*\\n" + id + " +notes +DONE +\\d{4}-\\d\\d-\\d\\d [:0-9]+ +\\d+ (µs|ms) +buy milk\\n.*"));
        assertTrue(shell("aios:ps " + id), shell("aios:ps " + id).matches("(?s).*\\nresult +stored: buy milk\\n.*"));
        await("the FINISHED event", () -> agentEvents(KernelEvents.AGENT_FINISHED, number(id)).isEmpty() ? null : true);
        await("the STARTED event", () -> agentEvents(KernelEvents.AGENT_STARTED, number(id)).isEmpty() ? null : true);

        String failing = shell("aios:run thrower anything");
        IllegalStateException failed = assertThrows(IllegalStateException.class, () -> shell("aios:wait " + failing));
        assertEquals("agent process " + failing + " (thrower) failed: the thrower always fails", failed.getMessage());
        AgentProcess p = runner.process(number(failing)).orElseThrow();
        assertEquals(AgentProcess.Status.FAILED, p.status());
        assertEquals("the thrower always fails", p.error());
        Event event = await("the FAILED event", () -> agentEvents(KernelEvents.AGENT_FAILED, number(failing)).stream()
                .findFirst().orElse(null));
        assertEquals("the thrower always fails", event.getProperty(KernelEvents.ERROR));
        assertEquals("thrower", event.getProperty(KernelEvents.AGENT));

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> shell("aios:run nope hi"));
        assertEquals("no agent named 'nope' is installed: the installed agents are notes, react, story, thrower",
                unknown.getMessage());
        String agents = shell("aios:agents");
        assertTrue(agents, agents.matches("(?s)AGENT +DESCRIPTION\\nnotes +the test agent notes\\nreact .*\\nstory .*"
                + "\\nthrower .*\\n\\nREGISTERED +SINCE .*\\nnotes +\\d{4}-.*"));
    }

    @Test
    public void killingAProcessCancelsTheLlmSyscallItWaitsFor() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        register(LlmBackend.class, new LlmBackend() {
            public List<String> models() {
                return List.of("held-model");
            }

            public LlmResult complete(LlmQuery query) throws Exception {
                entered.countDown();
                never.await(); // until the worker is interrupted: the syscall was cancelled
                throw new AssertionError("released");
            }
        }, props(LlmBackend.NAME, "held"));
        CountDownLatch agentSawTheKill = new CountDownLatch(1);
        install(agent("held", (session, input) -> {
            try {
                return session.planning().withModel("held-model").chat("wait for me");
            } catch (AgentKilledException e) {
                agentSawTheKill.countDown();
                throw e;
            }
        }));

        String id = shell("aios:run held anything");
        assertTrue("the LLM syscall reached the backend", entered.await(TIMEOUT_S, TimeUnit.SECONDS));
        long syscall = await("the syscall's STARTED event", () -> syscallEvents.stream()
                .filter(e -> e.getTopic().equals(KernelEvents.STARTED) && "held".equals(e.getProperty(KernelEvents.AGENT)))
                .map(e -> (Long) e.getProperty(KernelEvents.ID)).findFirst().orElse(null));
        assertEquals(SyscallStatus.RUNNING, kernel.status(syscall).orElseThrow().status());
        assertEquals(AgentProcess.Status.RUNNING, runner.process(number(id)).orElseThrow().status());

        assertEquals("killed agent process " + id + " (held); its unfinished syscalls were cancelled\n",
                shell("aios:kill " + id));

        assertEquals(AgentProcess.Status.KILLED, runner.process(number(id)).orElseThrow().status());
        await("the syscall cancelled", () -> kernel.status(syscall).orElseThrow().status() == SyscallStatus.CANCELLED
                ? true : null);
        assertTrue("the agent's call ended with AgentKilledException", agentSawTheKill.await(TIMEOUT_S, TimeUnit.SECONDS));
        IllegalStateException waited = assertThrows(IllegalStateException.class, () -> shell("aios:wait " + id));
        assertEquals("agent process " + id + " (held) was killed on request", waited.getMessage());
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class, () -> shell("aios:kill " + id));
        assertTrue(again.getMessage(), again.getMessage().contains("has already ended KILLED"));
        await("the KILLED event", () -> agentEvents(KernelEvents.AGENT_KILLED, number(id)).isEmpty() ? null : true);
    }

    @Test
    public void theReactAgentCallsCalcAndFileWrite_andAnswersWithTheComputedValue() throws Exception {
        List<ToolCall> planned = new CopyOnWriteArrayList<>();
        Hashtable<String, Object> first = new Hashtable<>();
        first.put(LlmBackend.NAME, "scripted");
        first.put(Constants.SERVICE_RANKING, 1000); // the default backend while this test runs
        register(LlmBackend.class, new ScriptedPlanner(planned), first);
        register(AccessPolicy.class, call -> AccessDecision.allow(), props(Constants.SERVICE_RANKING, 1000));
        register(ToolService.class, new Multiply(), props(Constants.SERVICE_RANKING, 1000));
        register(ToolService.class, new FileWrite(kernel), props(Constants.SERVICE_RANKING, 1000));

        AgentProcess started = runner.start("react", "What is 17 * 23? Write the result to result.txt");
        AgentProcess done = runner.finished(started.id()).toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);

        assertEquals(String.valueOf(done), AgentProcess.Status.DONE, done.status());
        assertEquals("17 * 23 = 391", done.result());
        assertEquals(List.of("calc", "file_write"), planned.stream().map(ToolCall::name).toList());
        assertEquals("391", run(new StorageQuery("react", new StorageOperation.Read("result.txt")), StorageResult.class)
                .content());
        List<MemoryResult.Hit> notes = run(new MemoryQuery("react", new MemoryOperation.Retrieve("calc", 5, Map.of(
                "kind", "observation"))), MemoryResult.class).hits();
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).content(), notes.get(0).content().contains("calc {\"expression\":\"17 * 23\"} gave "
                + "{\"value\":\"391\"}"));
    }

    private <R extends SyscallResult> R run(Syscall call, Class<R> kind) throws Exception {
        return kind.cast(kernel.submit(call).result().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS));
    }

    /**
     * A model that follows the ReAct script: calc on the numbers of the task, then file_write of the value calc gave,
     * then an answer with it. It answers only tool-call queries with tools on offer.
     */
    static final class ScriptedPlanner implements LlmBackend {
        private static final Pattern PRODUCT = Pattern.compile("(\\d+) \\* (\\d+)");
        private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]+)\"");
        private final List<ToolCall> planned;

        ScriptedPlanner(List<ToolCall> planned) {
            this.planned = planned;
        }

        public List<String> models() {
            return List.of("scripted");
        }

        public LlmResult complete(LlmQuery query) {
            if (query.action() != LlmAction.TOOL_CALL) {
                throw new IllegalArgumentException("the scripted planner answers tool-call queries only");
            }
            List<Message> results = query.messages().stream().filter(m -> m.role() == Role.TOOL).toList();
            String task = query.messages().stream().filter(m -> m.role() == Role.USER).findFirst().orElseThrow().content();
            Matcher product = PRODUCT.matcher(task);
            if (!product.find()) {
                return answer("I can only multiply");
            }
            String expression = product.group();
            return switch (results.size()) {
                case 0 -> calls(new ToolCall("c1", "calc", "{\"expression\":\"" + expression + "\"}"));
                case 1 -> {
                    Matcher value = VALUE.matcher(results.get(0).content());
                    yield value.find() ? calls(new ToolCall("w1", "file_write", "{\"path\":\"result.txt\",\"content\":\""
                            + value.group(1) + "\"}")) : answer("calc failed: " + results.get(0).content());
                }
                default -> {
                    Matcher value = VALUE.matcher(results.get(0).content());
                    yield answer(expression + " = " + (value.find() ? value.group(1) : "?"));
                }
            };
        }

        private LlmResult calls(ToolCall call) {
            planned.add(call);
            return new LlmResult("", List.of(call), "tool_calls", 10, 5, "scripted");
        }

        private static LlmResult answer(String text) {
            return new LlmResult(text, List.of(), "stop", 10, 5, "scripted");
        }
    }

    /** The calc tool of this test: products of two whole numbers. */
    static final class Multiply implements ToolService {
        private static final Pattern PRODUCT = Pattern.compile("\"expression\"\\s*:\\s*\"\\s*(\\d+)\\s*\\*\\s*(\\d+)\\s*\"");

        public String name() {
            return "calc";
        }

        public String description() {
            return "multiplies two whole numbers";
        }

        public String parameters() {
            return "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}},\"required\":[\"expression\"]}";
        }

        public String invoke(ToolInvocation invocation) {
            Matcher m = PRODUCT.matcher(invocation.arguments());
            if (!m.find()) {
                throw new IllegalArgumentException("this calc multiplies two whole numbers only: " + invocation.arguments());
            }
            return "{\"value\":\"" + Long.parseLong(m.group(1)) * Long.parseLong(m.group(2)) + "\"}";
        }
    }

    /** The file_write tool of this test: writes the calling agent's file through a storage syscall of that agent. */
    static final class FileWrite implements ToolService {
        private static final Pattern ARGS = Pattern.compile("\"path\":\"([^\"]+)\",\"content\":\"([^\"]*)\"");
        private final Kernel kernel;

        FileWrite(Kernel kernel) {
            this.kernel = kernel;
        }

        public String name() {
            return "file_write";
        }

        public String description() {
            return "writes one of your files";
        }

        public String parameters() {
            return "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},\"content\":{\"type\":\"string\"}}}";
        }

        public String invoke(ToolInvocation invocation) throws Exception {
            Matcher m = ARGS.matcher(invocation.arguments());
            if (!m.find()) {
                throw new IllegalArgumentException("file_write needs path and content: " + invocation.arguments());
            }
            StorageResult r = (StorageResult) kernel.submit(new StorageQuery(invocation.agent(),
                    new StorageOperation.Write(m.group(1), m.group(2)))).result().toCompletableFuture()
                    .get(TIMEOUT_S, TimeUnit.SECONDS);
            return "{\"path\":\"" + m.group(1) + "\",\"version\":" + r.version() + "}";
        }
    }
}
