package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static aios.run.it.LocalModelIT.props;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The shipped llm.openai bundle in the assembled kernel, configured through ConfigAdmin to a fake OpenAI-compatible
 * server on the loopback interface ({@link FakeOpenAi}, which checks every request's shape as the API reference
 * defines it): LLM syscalls that name a configured model come back with the model's text, tool calls and usage,
 * streamed and not; a refused key, a server that is not there and one that keeps silent fail with messages naming what
 * to correct; a cancelled syscall closes its connection; round robin preempts streamed generations; and the example
 * agent {@code react}, configured to plan with the fake model, runs the real {@code calc} tool and answers with its
 * value.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class OpenAiIT {

    private static final int TIMEOUT_S = 30;
    private static final String KEY = "sk-fake-0123456789";
    private static final ToolSpec CALC = new ToolSpec("calc", "Exact arithmetic", """
            {"type": "object", "properties": {"expression": {"type": "string"}}, "required": ["expression"]}""");

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    private BundleContext context;
    private Kernel kernel;
    private ConfigurationAdmin configurations;
    private FakeOpenAi server;
    private final List<org.osgi.service.cm.Configuration> configured = new ArrayList<>();

    @Before
    public void start() throws Exception {
        context = FrameworkUtil.getBundle(OpenAiIT.class).getBundleContext();
        kernel = context.getService(context.getServiceReference(Kernel.class));
        configurations = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        server = new FakeOpenAi(KEY, "fake-model", "fake-listed");
    }

    @After
    public void stop() throws Exception {
        for (org.osgi.service.cm.Configuration c : configured) {
            c.delete();
        }
        server.close();
        await("the endpoints gone", () -> context.getServiceReferences(LlmBackend.class, "(aios.llm.openai.url=*)")
                .isEmpty() ? true : null);
        assertEquals("requests the fake server refused", List.of(), server.faults);
    }

    /** Configures an endpoint (a factory configuration of aios.llm.openai) and waits for its backend. */
    private LlmBackend endpoint(String name, Map<String, Object> settings) throws Exception {
        org.osgi.service.cm.Configuration c = configurations.getFactoryConfiguration("aios.llm.openai", name, "?");
        Hashtable<String, Object> p = new Hashtable<>(settings);
        p.put("name", name);
        c.update(p);
        configured.add(c);
        return await("backend " + name, () -> {
            for (ServiceReference<LlmBackend> r : context.getServiceReferences(LlmBackend.class,
                    "(" + LlmBackend.NAME + "=" + name + ")")) {
                return context.getService(r);
            }
            return null;
        });
    }

    private LlmBackend endpoint(String name, String... models) throws Exception {
        return endpoint(name, Map.of("base.url", server.base(), "api.key", KEY, "models", models));
    }

    private static LlmQuery query(String agent, String model, LlmAction action, List<ToolSpec> tools, String... turns) {
        List<Message> messages = new ArrayList<>();
        messages.add(Message.system("You are a test."));
        for (String t : turns) {
            messages.add(Message.user(t));
        }
        return new LlmQuery(agent, messages, tools, action, new Sampling(64, 0.0, 1.0, 7L), model, Scheduling.DEFAULT);
    }

    private LlmResult run(LlmQuery q) throws Exception {
        kernel.register(q.agent());
        return (LlmResult) kernel.submit(q).result().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** The message of the syscall's failure. */
    private String failure(LlmQuery q) throws Exception {
        kernel.register(q.agent());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> kernel.submit(q).result().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS));
        return e.getCause().getMessage();
    }

    private String shell(String command) throws Exception {
        return GogoShell.execute(context, command);
    }

    @Test
    public void textToolCallsAndUsageComeBackThroughTheKernel_streamedAndWhole() throws Exception {
        endpoint("fake", "fake-model");
        endpoint("whole", Map.of("base.url", server.base(), "api.key", KEY, "models", new String[] {"fake-whole"},
                "stream", false));

        LlmResult chat = run(query("alice", "fake-model", LlmAction.CHAT, List.of(), "Hello there"));
        JsonNode usage = server.lastUsage();
        assertEquals(new LlmResult("You said: Hello there", List.of(), "stop", usage.get("prompt_tokens").asInt(),
                usage.get("completion_tokens").asInt(), "fake-model"), chat);
        assertEquals(6, usage.get("prompt_tokens").asInt()); // the words of both messages
        FakeOpenAi.Request sent = server.requests.get(0);
        assertEquals("Bearer " + KEY, sent.authorization());
        assertTrue(sent.body().get("stream").asBoolean());
        assertEquals(7, sent.body().get("seed").asInt());
        assertEquals(64, sent.body().get("max_tokens").asInt());

        LlmResult plan = run(query("alice", "fake-model", LlmAction.TOOL_CALL, List.of(CALC), "What is 17 * 23?"));
        assertEquals(List.of(new ToolCall(plan.toolCalls().get(0).id(), "calc", "{\"expression\":\"17 * 23\"}")),
                plan.toolCalls());
        assertTrue(plan.toolCalls().get(0).id(), plan.toolCalls().get(0).id().startsWith("call_"));
        assertEquals("tool_calls", plan.finishReason());
        assertEquals(3, plan.completionTokens());
        assertEquals("auto", server.requests.get(1).body().get("tool_choice").asText());

        LlmResult whole = run(query("bob", "fake-whole", LlmAction.CHAT, List.of(), "Once more"));
        assertEquals("You said: Once more", whole.text());
        assertEquals(server.lastUsage().get("completion_tokens").asInt(), whole.completionTokens());
        assertFalse(server.requests.get(2).body().has("stream"));

        String listing = shell("openai:models");
        assertTrue(listing, listing.matches("(?s)NAME +RANKING +URL +KEY +STREAM +MODELS\\n"
                + "fake +-1 +" + server.base() + " +a key from api.key of aios.llm.openai~fake +yes +fake-model\\n"
                + "whole +-1 +" + server.base() + " +a key from api.key of aios.llm.openai~whole +no +fake-whole\\n"));
        assertFalse(listing, listing.contains(KEY));
    }

    @Test
    public void theFakeServerRefusesWhatTheRealApiWould() throws Exception {
        String bad = """
                {"model": "fake-model", "top_k": 40, "temperature": 3,
                 "messages": [{"role": "user", "content": "hi"}, {"role": "tool", "tool_call_id": "call_1", "content": "1"}],
                 "response_format": {"type": "json_object"}, "stream_options": {"include_usage": true}}""";
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.base() + "/chat/completions"))
                        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(bad)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode());
        assertEquals(List.of("Unrecognized request argument supplied: top_k",
                "Invalid parameter: messages[1] with role 'tool' must be a response to a preceeding message with "
                        + "'tool_calls' (tool_call_id 'call_1' answers no call)",
                "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
                "temperature must be a number from 0.0 to 2.0, not 3",
                "The 'stream_options' parameter is only allowed when 'stream' is enabled."), server.faults);
        assertTrue(r.body(), r.body().startsWith("{\"error\":{\"message\":\"Unrecognized request argument supplied: "
                + "top_k; "));
        server.faults.clear();
    }

    @Test
    public void anEndpointWithoutModelsServesWhatTheServerLists_andNeverTakesUnnamedQueriesFromTheLocalEngine()
            throws Exception {
        LlmBackend listed = endpoint("listed", Map.of("base.url", server.base(), "api.key", KEY));
        await("the models listed by the server", () -> listed.models().isEmpty() ? null : true);
        assertEquals(List.of("fake-model", "fake-listed"), listed.models());
        assertEquals("You said: hi", run(query("alice", "fake-listed", LlmAction.CHAT, List.of(), "hi")).text());

        // ranked -1: a query that names no model goes to the local engine (ranked 0), not to the endpoint
        kernel.register("carol");
        SyscallHandle unnamed = kernel.submit(query("carol", null, LlmAction.CHAT, List.of(), "hi"));
        try {
            unnamed.result().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // the local engine may have no model here; either way the endpoint was not asked
        }
        assertEquals(1, server.requests.size());
    }

    @Test
    public void aRefusedKeyAServerThatIsNotThereAndOneThatKeepsSilentFailSayingWhatToCorrect() throws Exception {
        endpoint("locked", Map.of("base.url", server.base(), "api.key", "sk-wrong-key-42", "models",
                new String[] {"fake-locked"}));
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String nowhere = "http://127.0.0.1:" + closed + "/v1";
        endpoint("gone", Map.of("base.url", nowhere, "models", new String[] {"gone-model"}));
        endpoint("slow", Map.of("base.url", server.base(), "api.key", KEY, "models", new String[] {FakeOpenAi.SLOW},
                "timeout.seconds", 1));

        String refused = failure(query("alice", "fake-locked", LlmAction.CHAT, List.of(), "hi"));
        assertTrue(refused, refused.contains("the server refused " + server.base() + "/chat/completions for model "
                + "'fake-locked': HTTP 401: Incorrect API key provided: sk-wr***42. You can find your API key at "
                + "https://platform.openai.com/account/api-keys. (invalid_api_key) — the key sent came from api.key of "
                + "aios.llm.openai~locked: check it, or set api.key in aios.llm.openai~locked"));
        assertFalse(refused, refused.contains("sk-wrong-key-42"));

        String unreachable = failure(query("alice", "gone-model", LlmAction.CHAT, List.of(), "hi"));
        assertTrue(unreachable, unreachable.contains("cannot connect to " + nowhere + "/chat/completions (model "
                + "'gone-model') (base.url of aios.llm.openai~gone): connection refused — start the model server there,"
                + " or set base.url to where it listens"));

        long t0 = System.nanoTime();
        String silent = failure(query("alice", FakeOpenAi.SLOW, LlmAction.CHAT, List.of(), "hi"));
        assertTrue(silent, silent.contains("no answer from " + server.base() + "/chat/completions (model 'fake-slow') "
                + "within 1 s (timeout.seconds of aios.llm.openai~slow)"));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10));
    }

    @Test
    public void cancellingARunningSyscallClosesItsConnection() throws Exception {
        endpoint("endless", FakeOpenAi.ENDLESS);
        kernel.register("alice");
        SyscallHandle h = kernel.submit(query("alice", FakeOpenAi.ENDLESS, LlmAction.CHAT, List.of(), "go on"));
        assertTrue("the answer began", server.streaming.await(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(SyscallStatus.RUNNING, h.status());

        assertTrue(kernel.cancel(h.id()));

        assertThrows(CancellationException.class, () -> h.result().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS));
        assertEquals(SyscallStatus.CANCELLED, h.status());
        assertTrue("the server saw the client close the connection",
                server.disconnected.await(TIMEOUT_S, TimeUnit.SECONDS));
    }

    @Test
    public void roundRobinPreemptsStreamedGenerations_andEachEndsWithItsWholeText() throws Exception {
        endpoint("fake", "fake-model");
        Hashtable<String, Object> oneWorker = new Hashtable<>();
        oneWorker.put("llm.workers", 1);
        org.osgi.service.cm.Configuration kernelConfig = configurations.getConfiguration("aios.kernel", "?");
        kernelConfig.update(oneWorker);
        List<Event> preempted = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, preempted::add,
                props(EventConstants.EVENT_TOPIC, KernelEvents.PREEMPTED));
        try {
            await("one llm worker", () -> kernel.queues().stream()
                    .anyMatch(q -> q.resource() == Resource.LLM && q.workers() == 1) ? true : null);
            kernel.switchPolicy(Resource.LLM, "rr", Map.of("slice.tokens", "2"));
            kernel.register("alice");
            kernel.register("bob");
            SyscallHandle a = kernel.submit(query("alice", "fake-model", LlmAction.CHAT, List.of(),
                    "one two three four five six"));
            SyscallHandle b = kernel.submit(query("bob", "fake-model", LlmAction.CHAT, List.of(),
                    "seven eight nine ten eleven twelve"));
            assertEquals("You said: one two three four five six",
                    ((LlmResult) a.result().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS)).text());
            assertEquals("You said: seven eight nine ten eleven twelve",
                    ((LlmResult) b.result().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS)).text());
            assertTrue("the generations took turns: " + preempted.size(), preempted.size() >= 2);
        } finally {
            handler.unregister();
            kernel.switchPolicy(Resource.LLM, "fifo", Map.of());
            kernelConfig.delete();
        }
    }

    @Test
    public void theReactAgentPlansWithTheFakeModel_runsTheRealCalcTool_andAnswersWithItsValue() throws Exception {
        endpoint("fake", "fake-model");
        org.osgi.service.cm.Configuration react = configurations.getConfiguration("aios.agents.react", "?");
        react.update(new Hashtable<>(Map.of("model", "fake-model")));
        configured.add(react);
        shell("aios:register react");
        shell("acl:grant react syscall:tool tool:calc");

        String process = shell("aios:run react 'What is 17 * 23?'");
        assertEquals("17 * 23 = 391", shell("aios:wait " + process));

        // the model's second turn carried the real calc tool's answer (exact arithmetic: value, decimal, exactness)
        JsonNode second = server.requests.get(1).body();
        JsonNode messages = second.get("messages");
        JsonNode call = messages.get(messages.size() - 2);
        JsonNode result = messages.get(messages.size() - 1);
        assertEquals("assistant", call.get("role").asText());
        assertEquals("calc", call.get("tool_calls").get(0).get("function").get("name").asText());
        assertEquals("tool", result.get("role").asText());
        assertEquals(call.get("tool_calls").get(0).get("id").asText(), result.get("tool_call_id").asText());
        assertEquals("{\"value\":\"391\",\"decimal\":\"391\",\"decimal_exact\":true}", result.get("content").asText());
        assertEquals(List.of("calc", "file_read", "file_write", "file_list"),
                second.get("tools").findValuesAsText("name"));
        assertEquals(2, server.requests.size());
    }
}
