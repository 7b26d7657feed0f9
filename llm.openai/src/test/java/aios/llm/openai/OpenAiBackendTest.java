package aios.llm.openai;

import static aios.llm.openai.LoopbackServer.events;
import static aios.llm.openai.LoopbackServer.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.ToolCall;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The backend against an HTTP server on the loopback interface that answers as the API does. */
class OpenAiBackendTest {

    static final String COMPLETION = """
            {"id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "served-name",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Paris."}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 12, "completion_tokens": 2, "total_tokens": 14}}""";

    private final LoopbackServer server;
    private OpenAiBackend backend;

    OpenAiBackendTest() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stop() {
        if (backend != null) {
            backend.close();
        }
        server.close();
    }

    private OpenAiBackend backend(Settings s) {
        backend = OpenAiBackend.of(s.endpoint());
        return backend;
    }

    private Settings settings() {
        return new Settings().url(server.base()).serving("small", "large").key("sk-test");
    }

    static LlmQuery ask(String prompt, String model) {
        return new LlmQuery("alice", List.of(Message.user(prompt)), List.of(), LlmAction.CHAT,
                new Sampling(16, 0.0, 1.0, null), model, Scheduling.DEFAULT);
    }

    @Test
    void completeSendsOneRequestWithTheKeyAndReadsTextAndUsage() throws Exception {
        server.on("/v1/chat/completions", x -> send(x, 200, "application/json", COMPLETION));
        LlmResult r = backend(settings()).complete(ask("The capital of France?", null));

        assertEquals(new LlmResult("Paris.", List.of(), "stop", 12, 2, "small"), r);
        LoopbackServer.Request q = server.requests.get(0);
        assertEquals("POST", q.method());
        assertEquals("/v1/chat/completions", q.path());
        assertEquals("Bearer sk-test", q.header("Authorization"));
        assertEquals("application/json", q.header("Content-Type"));
        assertEquals("small", q.json().get("model").asText()); // the default: the first configured
        assertFalse(q.json().has("stream"));
        assertEquals(List.of("small", "large"), backend.models());
    }

    @Test
    void aStreamedGenerationRunsInStepsOfItsParts_andEndsWithToolCallsAndUsage() throws Exception {
        server.on("/v1/chat/completions", x -> events(x,
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"One\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" two\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" three.\"},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_9\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"calc\",\"arguments\":\"{\\\"expression\\\":\"}}]},\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"1+1\\\"}\"}}]},"
                        + "\"finish_reason\":null}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":30,\"completion_tokens\":9,\"total_tokens\":39}}"));
        try (Generation g = backend(settings()).start(ask("count", "large"))) {
            assertEquals(2, g.step(2));
            assertEquals("One two", g.result().text());
            assertFalse(g.finished());
            assertEquals(3, g.step(100));
            assertTrue(g.finished());
            assertEquals(5, g.tokens());
            assertEquals(new LlmResult("One two three.", List.of(new ToolCall("call_9", "calc", "{\"expression\":\"1+1\"}")),
                    "tool_calls", 30, 9, "large"), g.result());
            assertEquals(0, g.step(10));
        }
        LoopbackServer.Request q = server.requests.get(0);
        assertEquals("text/event-stream", q.header("Accept"));
        assertTrue(q.json().get("stream").asBoolean());
        assertTrue(q.json().get("stream_options").get("include_usage").asBoolean());
        assertEquals("large", q.json().get("model").asText());
    }

    @Test
    void withStreamOffStartLeavesTheCallToComplete() throws Exception {
        assertNull(backend(settings().stream(false)).start(ask("hi", null)));
        assertTrue(server.requests.isEmpty());
    }

    @Test
    void anErrorStatusCarriesTheServersMessageAndWhatToDo() throws Exception {
        server.on("/v1/chat/completions", x -> send(x, 401, "application/json", """
                {"error": {"message": "Incorrect API key provided: sk-test.", "type": "invalid_request_error",
                           "param": null, "code": "invalid_api_key"}}"""));
        ApiException e = assertThrows(ApiException.class, () -> backend(settings()).complete(ask("hi", null)));
        assertEquals(401, e.status());
        assertEquals("the server refused " + server.base() + "/chat/completions for model 'small': HTTP 401: Incorrect"
                + " API key provided: sk-test. (invalid_api_key) — the key sent came from api.key of aios.llm.openai: "
                + "check it, or set api.key in aios.llm.openai, or the environment variable OPENAI_API_KEY (api.key.env)"
                + " of the kernel's process", e.getMessage());

        server.on("/v1/chat/completions", x -> send(x, 404, "application/json",
                "{\"error\":{\"message\":\"model 'huge' not found\",\"type\":\"not_found_error\"}}"));
        String notFound = assertThrows(ApiException.class, () -> backend.start(ask("hi", null))).getMessage();
        assertTrue(notFound.contains("HTTP 404: model 'huge' not found (not_found_error) — check base.url of "
                + "aios.llm.openai"), notFound);
    }

    @Test
    void aRefusedConnectionNamesTheUrlAndTheKeyToCorrect() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        String url = "http://127.0.0.1:" + port + "/v1";
        IOException e = assertThrows(IOException.class, () -> backend(settings().url(url)).complete(ask("hi", null)));
        assertEquals("cannot connect to " + url + "/chat/completions (model 'small') (base.url of aios.llm.openai): "
                + "connection refused — start the model server there, or set base.url to where it listens",
                e.getMessage());
    }

    @Test
    void silencePastTheTimeoutFails_beforeTheAnswerAndInTheMiddleOfAStream() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.on("/v1/chat/completions", x -> {
            release.await(10, TimeUnit.SECONDS);
            send(x, 200, "application/json", COMPLETION);
        });
        long t0 = System.nanoTime();
        HttpTimeoutException e = assertThrows(HttpTimeoutException.class,
                () -> backend(settings().timeout(1)).complete(ask("hi", null)));
        assertEquals("no answer from " + server.base() + "/chat/completions (model 'small') within 1 s (timeout.seconds"
                + " of aios.llm.openai): raise timeout.seconds for a slow model, ask for fewer tokens, or check the "
                + "server", e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        release.countDown();

        CountDownLatch stalled = new CountDownLatch(1);
        server.on("/v1/chat/completions", x -> {
            x.sendResponseHeaders(200, 0);
            x.getResponseBody().write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                    .getBytes(StandardCharsets.UTF_8));
            x.getResponseBody().flush();
            stalled.await(10, TimeUnit.SECONDS);
        });
        try (Generation g = backend.start(ask("hi", null))) {
            assertEquals(1, g.step(1));
            String middle = assertThrows(HttpTimeoutException.class, () -> g.step(1)).getMessage();
            assertTrue(middle.startsWith("the server at " + server.base() + "/chat/completions (model 'small') stopped "
                    + "in the middle of its answer: nothing came for 1 s (timeout.seconds of aios.llm.openai)"), middle);
            assertTrue(g.finished());
        } finally {
            stalled.countDown();
        }
    }

    @Test
    void anAnswerPastMaxResponseBytesIsRefusedNotCut() throws Exception {
        server.on("/v1/chat/completions", x -> send(x, 200, "application/json", COMPLETION));
        IOException e = assertThrows(IOException.class, () -> backend(settings().maxBytes(100)).complete(ask("hi", null)));
        assertEquals("the answer of " + server.base() + "/chat/completions (model 'small') is larger than "
                + "max.response.bytes (100) of aios.llm.openai; it was refused, not cut: raise max.response.bytes, or "
                + "ask for fewer tokens", e.getMessage());
    }

    // repeated: an abort that left the connection open showed about once in 40 runs
    @org.junit.jupiter.api.RepeatedTest(10)
    void anInterruptAbortsTheRequest_theServerSeesTheConnectionClose() throws Exception {
        CountDownLatch streaming = new CountDownLatch(1);
        CompletableFuture<String> serverSaw = new CompletableFuture<>();
        server.on("/v1/chat/completions", x -> {
            x.sendResponseHeaders(200, 0);
            OutputStream out = x.getResponseBody();
            try {
                for (int i = 0; i < 400; i++) { // 20 s of a token every 50 ms, unless the client goes
                    out.write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n"
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    streaming.countDown();
                    Thread.sleep(50);
                }
                serverSaw.complete("the stream ran to its end");
            } catch (IOException e) {
                serverSaw.complete("the client closed the connection");
            }
        });
        backend(settings());
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().start(() -> {
            try (Generation g = backend.start(ask("go on forever", null))) {
                while (!g.finished()) {
                    g.step(1);
                }
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        assertTrue(streaming.await(10, TimeUnit.SECONDS));
        worker.interrupt();
        worker.join(5_000);
        assertFalse(worker.isAlive());
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
        assertEquals("the request to " + server.base() + "/chat/completions for model 'small' was cancelled (its "
                + "thread was interrupted); the connection was closed", thrown.get().getMessage());
        assertEquals("the client closed the connection", serverSaw.get(10, TimeUnit.SECONDS));
    }

    @Test
    void withoutConfiguredModelsTheServersListIsUsed_theFirstIsTheDefault() throws Exception {
        server.on("/v1/models", x -> send(x, 200, "application/json", """
                {"object": "list", "data": [{"id": "qwen2.5:7b", "object": "model", "created": 1, "owned_by": "library"},
                                            {"id": "llama3.2", "object": "model", "created": 1, "owned_by": "library"}]}"""));
        server.on("/v1/chat/completions", x -> send(x, 200, "application/json", COMPLETION));
        OpenAiBackend b = backend(settings().serving());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (b.models().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(List.of("qwen2.5:7b", "llama3.2"), b.models());
        assertEquals("qwen2.5:7b", b.complete(ask("hi", null)).model());
        assertEquals("Bearer sk-test", server.requests.get(0).header("Authorization"));
    }

    @Test
    void aServerThatListsNoModelGivesNoDefault_sayingWhatToConfigure() throws Exception {
        server.on("/v1/models", x -> send(x, 200, "application/json", "{\"object\": \"list\", \"data\": []}"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> backend(settings().serving()).complete(ask("hi", null)));
        assertEquals("backend 'openai' (aios.llm.openai) knows no model to use as its default: the server at "
                + server.base() + " has not listed its models: its list (GET " + server.base() + "/models) is empty; "
                + "list them as models in aios.llm.openai (the first is the default)", e.getMessage());
    }

    @Test
    void aStreamBrokenOffByAnErrorOrClosedEarlyFailsSayingSo() throws Exception {
        server.on("/v1/chat/completions", x -> {
            x.sendResponseHeaders(200, 0);
            x.getResponseBody().write(("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                    + "error: {\"code\":500,\"message\":\"context shift is disabled\",\"type\":\"server_error\"}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        });
        try (Generation g = backend(settings()).start(ask("hi", null))) {
            assertEquals("the server at " + server.base() + "/chat/completions broke off its answer for model 'small' "
                    + "with an error: context shift is disabled (500)",
                    assertThrows(IOException.class, () -> g.step(10)).getMessage());
        }
        server.on("/v1/chat/completions", x -> {
            x.sendResponseHeaders(200, 0);
            x.getResponseBody().write("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
                    .getBytes(StandardCharsets.UTF_8));
        });
        try (Generation g = backend.start(ask("hi", null))) {
            assertEquals("the server at " + server.base() + "/chat/completions closed its stream for model 'small' "
                    + "before the answer finished (1 parts came); the server's log may say why",
                    assertThrows(IOException.class, () -> g.step(10)).getMessage());
        }
    }

    @Test
    void aConfigurationThatCannotBeUsedLeavesABackendWithoutModelsWhoseCallsSayWhy() {
        OpenAiBackend b = new OpenAiBackend();
        b.configure(new Settings().url("127.0.0.1:8080"), "aios.llm.openai~local", name -> null);
        assertEquals(List.of(), b.models());
        String why = "base.url '127.0.0.1:8080' of aios.llm.openai~local is not an http or https URL with a host: write"
                + " the API's base URL, such as http://127.0.0.1:8080/v1 (llama.cpp), http://127.0.0.1:11434/v1 "
                + "(Ollama) or https://api.openai.com/v1";
        assertEquals(why, b.whyNoModel());
        assertEquals(why, assertThrows(IllegalStateException.class, () -> b.complete(ask("hi", null))).getMessage());
    }
}
