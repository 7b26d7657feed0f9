package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import aios.run.it.KernelServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The HTTP API end to end: the assembled kernel as a process on loopback, a real HTTP client, every endpoint, the
 * token rules, the event streams, the limits, and a Python client that speaks Cerebrum's wire format.
 */
public class HttpApiIT {

    private static KernelServer kernel;
    private static String operator;
    private static String cerebro;

    @BeforeClass
    public static void startKernel() throws Exception {
        // cerebro may call calc (tool queries); everyone else has the default grants
        kernel = KernelServer.start(work -> {
            Files.createDirectories(work.resolve("data/access"));
            Files.writeString(work.resolve("data/access/acl.txt"), "aios-acl 1\n"
                    + "group default syscall:llm syscall:memory syscall:storage\n"
                    + "agent cerebro @default syscall:tool tool:calc\n");
        });
        operator = kernel.operatorToken();
        cerebro = kernel.agentToken("cerebro");
    }

    @AfterClass
    public static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    private static void assertJsonError(Answer a, int status, String containing) {
        assertEquals(a.toString(), status, a.status());
        assertTrue(a.toString(), a.contentType().startsWith("application/json"));
        assertNotNull(a.toString(), a.json());
        assertEquals(a.toString(), status, a.json().get("status").asInt());
        assertTrue(a.toString(), a.json().get("error").asText().contains(containing));
    }

    private static String query(String agent, String type, String data) {
        return "{\"agent_name\": \"" + agent + "\", \"query_type\": \"" + type + "\", \"query_data\": " + data + "}";
    }

    // ---------------------------------------------------------------- the operator token and the token rules

    @Test
    public void theOperatorTokenIsCreatedOnce_ownerOnly_andPrintedOnce() throws Exception {
        Path file = kernel.operatorTokenFile();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = kernel.operatorToken();
        assertTrue(token, token.startsWith("aios_"));
        String stdout = kernel.stdout();
        assertEquals(stdout, 1, stdout.split(java.util.regex.Pattern.quote(token), -1).length - 1);
        assertTrue(stdout, stdout.contains("kept in " + file));
        assertTrue("Jetty prints nothing of its own on stdout: " + stdout, !stdout.contains("[INFO]"));
        assertEquals(200, kernel.get("/api/v1/tokens", token).status());
    }

    @Test
    public void theOpenEndpointsAnswerWithoutAToken() throws Exception {
        Answer status = kernel.get("/status", null);
        assertEquals(status.toString(), "ok", status.json().get("status").asText());
        Answer core = kernel.get("/core/status", null);
        for (String part : List.of("llms", "storage", "memory", "tool", "scheduler", "factory")) {
            assertEquals(core.toString(), "active", core.json().get(part).asText());
        }
        Answer llms = kernel.get("/core/llms/list", null);
        assertEquals(llms.toString(), "local", llms.json().get("llms").get(0).get("backend").asText());
        assertEquals(200, kernel.get("/api/v1/status", null).status());
        assertEquals("3.1.0", kernel.get("/api/v1/openapi.json", null).json().get("openapi").asText());
    }

    @Test
    public void tokenRules() throws Exception {
        String chat = query("cerebro", "llm", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                + " \"max_new_tokens\": 5}");
        assertJsonError(kernel.post("/query", null, chat), 401, "needs an API token");
        assertJsonError(kernel.post("/query", "aios_not-a-token", chat), 401, "not valid");
        assertJsonError(kernel.post("/t/aios_wrong/query", null, chat), 401, "not valid");
        assertJsonError(kernel.get("/status", "aios_wrong"), 401, "not valid");
        assertJsonError(kernel.sendRaw("GET", "/status", "Basic abc"), 401, "Bearer");
        // an agent's token acts only as that agent
        assertJsonError(kernel.post("/query", cerebro, query("someone-else", "llm",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}")), 403, "may act only as");
        assertEquals(200, kernel.post("/query", cerebro, chat).status());
        assertEquals(200, kernel.post("/t/" + cerebro + "/query", null, chat).status());
        // the operator acts as any agent, registering it on first use
        Answer asNew = kernel.post("/query", operator, query("newcomer", "llm",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_new_tokens\": 5}"));
        assertEquals(asNew.toString(), 200, asNew.status());
        // an agent-hub name acts as the kernel agent with '.' for '/'
        Answer hub = kernel.post("/query", operator, query("example/hub_agent", "memory",
                "{\"operation_type\": \"add_memory\", \"params\": {\"content\": \"hub\"}}"));
        assertEquals(hub.toString(), 200, hub.status());
        assertTrue(kernel.get("/api/v1/agents", operator).json().get("registered").toString()
                .contains("\"example.hub_agent\""));
        // operator-only endpoints
        assertJsonError(kernel.get("/api/v1/tokens", cerebro), 403, "operator only");
        assertJsonError(kernel.send("PUT", "/api/v1/queues/llm/policy", cerebro, "{\"policy\": \"fifo\"}"), 403,
                "operator only");
        // a revoked token is refused at once
        String shortLived = kernel.agentToken("short-lived");
        assertEquals(200, kernel.get("/api/v1/queues", shortLived).status());
        Answer list = kernel.get("/api/v1/tokens", operator);
        String id = null;
        for (JsonNode t : list.json().get("tokens")) {
            if ("short-lived".equals(t.path("agent").asText())) {
                id = t.get("id").asText();
            }
        }
        assertNotNull(list.toString(), id);
        assertEquals(200, kernel.send("DELETE", "/api/v1/tokens/" + id, operator, (String) null).status());
        assertJsonError(kernel.get("/api/v1/queues", shortLived), 401, "not valid");
        assertJsonError(kernel.send("DELETE", "/api/v1/tokens/" + id, operator, (String) null), 404, "no API token");
    }

    // ---------------------------------------------------------------- Cerebrum

    @Test
    public void cerebrumQueriesOfAllFourTypes_answerWithCerebrumsFieldsAndTimings() throws Exception {
        Answer llm = kernel.post("/query", cerebro, query("cerebro", "llm", "{\"query_class\": \"llm\","
                + " \"llms\": null, \"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}],"
                + " \"tools\": null, \"action_type\": \"chat\", \"temperature\": 0.0, \"max_new_tokens\": 30,"
                + " \"message_return_type\": \"text\", \"response_format\": null}"));
        assertEquals(llm.toString(), 200, llm.status());
        JsonNode r = llm.json().get("response");
        assertTrue(llm.toString(), r.get("response_message").asText().contains("there was a little girl named Lily"));
        assertTrue(llm.toString(), r.get("finished").asBoolean() && r.get("error").isNull()
                && r.get("status_code").asInt() == 200 && r.get("tool_calls").isNull());
        for (String list : List.of("start_times", "end_times", "waiting_times", "turnaround_times")) {
            assertEquals(llm.toString(), 1, llm.json().get(list).size());
        }
        assertTrue(llm.toString(), llm.json().get("start_times").get(0).asDouble() > 1.5e9);

        Answer add = kernel.post("/query", cerebro, query("cerebro", "memory", "{\"operation_type\": \"add_memory\","
                + " \"params\": {\"content\": \"octopuses have three hearts\", \"metadata\": {\"topic\": \"sea\"}}}"));
        String id = add.json().get("response").get("memory_id").asText();
        assertTrue(add.toString(), add.json().get("response").get("success").asBoolean());
        Answer found = kernel.post("/query", cerebro, query("cerebro", "memory",
                "{\"operation_type\": \"retrieve_memory\", \"params\": {\"content\": \"hearts\", \"k\": 2}}"));
        assertEquals(found.toString(), id, found.json().get("response").get("search_results").get(0)
                .get("memory_id").asText());

        Answer write = kernel.post("/query", cerebro, query("cerebro", "storage", "{\"operation_type\": \"write\","
                + " \"params\": {\"file_path\": \"cerebro-notes/a.txt\", \"content\": \"hello\"}}"));
        assertEquals(write.toString(), 200, write.status());
        assertTrue(write.toString(), write.json().get("response").get("finished").asBoolean());
        Answer read = kernel.post("/query", cerebro, query("cerebro", "storage", "{\"operation_type\": \"read\","
                + " \"params\": {\"file_path\": \"cerebro-notes/a.txt\"}}"));
        assertEquals(read.toString(), "hello", read.json().get("response").get("response_message").asText());

        Answer tool = kernel.post("/query", cerebro, query("cerebro", "tool",
                "{\"tool_calls\": [{\"name\": \"calc\", \"parameters\": {\"expression\": \"6 * 7\"}}]}"));
        assertTrue(tool.toString(), tool.json().get("response").get("response_message").asText()
                .contains("\"value\":\"42\""));

        // a tool the agent was not granted: refused by the kernel, with the Cerebrum-shaped response in details
        Answer denied = kernel.post("/query", operator, query("no-tools", "tool",
                "{\"tool_calls\": [{\"name\": \"calc\", \"parameters\": {\"expression\": \"1\"}}]}"));
        assertJsonError(denied, 403, "syscall:tool");
        assertEquals(denied.toString(), 403, denied.json().get("details").get("response").get("status_code").asInt());
        // a syscall that runs and fails is answered 200 with the error in the response, as Cerebrum carries it
        Answer missing = kernel.post("/query", cerebro, query("cerebro", "storage", "{\"operation_type\": \"read\","
                + " \"params\": {\"file_path\": \"no/such/file.txt\"}}"));
        assertEquals(missing.toString(), 200, missing.status());
        assertTrue(missing.toString(), missing.json().get("response").get("error").asText().contains("no such"));
    }

    @Test
    public void aPythonClientSpeakingCerebrumsWireFormat_passesForEveryQueryType() throws Exception {
        String python = Stream.of("python3", "/usr/bin/python3").filter(p -> {
            try {
                return new ProcessBuilder(p, "--version").start().waitFor() == 0;
            } catch (Exception e) {
                return false;
            }
        }).findFirst().orElseThrow(() -> new AssertionError("python3 is needed for this test: install it"
                + " (apt-get install python3); .ci/run does"));
        Path script = Path.of("src/test/python/cerebrum_client.py").toAbsolutePath();
        ProcessBuilder b = new ProcessBuilder(python, script.toString(), "cerebro").redirectErrorStream(true);
        b.environment().put("CEREBRUM_KERNEL_URL", kernel.base() + "/t/" + cerebro);
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("the client did not finish in time:\n" + out, p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(out, 0, p.exitValue());
        assertTrue(out, out.matches("(?s).*cerebrum client: \\d+ checks passed.*"));
    }

    @Test
    public void cerebrumAgentEndpoints_submitStatusAndPs() throws Exception {
        Answer submitted = kernel.post("/agents/submit", operator,
                "{\"agent_id\": \"example/story\", \"agent_config\": {\"task\": \"Tom had a dog\"}}");
        assertEquals(submitted.toString(), "success", submitted.json().get("status").asText());
        long id = submitted.json().get("execution_id").asLong();
        JsonNode status = null;
        for (int i = 0; i < 300; i++) {
            status = kernel.get("/agents/" + id + "/status", operator).json();
            if (!status.get("status").asText().equals("running")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(String.valueOf(status), "completed", status.get("status").asText());
        assertTrue(String.valueOf(status), status.get("result").asText().startsWith("Tom had a dog"));
        JsonNode ps = kernel.get("/agents/ps", operator).json();
        assertTrue(ps.toString(), ps.get("count").asInt() >= 1);
        // an agent's token sees only its own processes, and cannot start another agent
        assertEquals(0, kernel.get("/agents/ps", cerebro).json().get("count").asInt());
        assertJsonError(kernel.post("/agents/submit", cerebro, "{\"agent_id\": \"story\", \"agent_config\":"
                + " {\"task\": \"x\"}}"), 403, "may act only as");
        assertJsonError(kernel.post("/agents/submit", operator, "{\"agent_id\": \"nope\"}"), 404,
                "the installed agents are");
        assertJsonError(kernel.get("/agents/99999/status", operator), 404, "no agent process 99999");
    }

    // ---------------------------------------------------------------- native

    @Test
    public void nativeSyscalls_submitStatusResultCancel() throws Exception {
        Answer accepted = kernel.post("/api/v1/syscalls", cerebro, "{\"type\": \"llm\", \"prompt\": \"Once upon a"
                + " time\", \"max_tokens\": 20}");
        assertEquals(accepted.toString(), 202, accepted.status());
        long id = accepted.json().get("id").asLong();
        Answer result = kernel.get("/api/v1/syscalls/" + id + "/result?wait=60", cerebro);
        assertEquals(result.toString(), 200, result.status());
        assertEquals(result.toString(), "COMPLETED", result.json().get("status").asText());
        assertTrue(result.toString(), result.json().get("result").get("text").asText().contains("little girl"));
        Answer info = kernel.get("/api/v1/syscalls/" + id, cerebro);
        assertEquals(info.toString(), "cerebro", info.json().get("agent").asText());
        assertEquals(info.toString(), "llm.chat", info.json().get("kind").asText());
        assertTrue(info.toString(), info.json().get("turnaround_us").asLong() > 0);
        Answer cancel = kernel.send("DELETE", "/api/v1/syscalls/" + id, cerebro, (String) null);
        assertEquals(cancel.toString(), false, cancel.json().get("cancelled").asBoolean());
        // another agent's syscall is not the caller's to see
        String other = kernel.agentToken("other");
        assertJsonError(kernel.get("/api/v1/syscalls/" + id, other), 403, "may act only as");
        assertJsonError(kernel.get("/api/v1/syscalls/" + id + "/result", other), 403, "may act only as");
        assertJsonError(kernel.get("/api/v1/syscalls/987654", operator), 404, "no syscall 987654");
        // every kind of syscall
        for (String body : List.of(
                "{\"type\": \"memory\", \"operation\": \"add\", \"content\": \"note\"}",
                "{\"type\": \"storage\", \"operation\": \"write\", \"path\": \"n/x.txt\", \"content\": \"x\"}",
                "{\"type\": \"tool\", \"calls\": [{\"name\": \"calc\", \"parameters\": {\"expression\": \"2+2\"}}]}")) {
            Answer a = kernel.post("/api/v1/syscalls", cerebro, body);
            assertEquals(a.toString(), 202, a.status());
            Answer done = kernel.get("/api/v1/syscalls/" + a.json().get("id").asLong() + "/result?wait=30", cerebro);
            assertEquals(done.toString(), "COMPLETED", done.json().get("status").asText());
        }
    }

    @Test
    public void nativeAgentsAndProcesses_startListKill() throws Exception {
        JsonNode agents = kernel.get("/api/v1/agents", operator).json();
        assertTrue(agents.toString(), agents.get("installed").toString().contains("\"story\""));
        assertEquals(200, kernel.send("PUT", "/api/v1/agents/registered-over-http", operator, (String) null).status());
        assertTrue(kernel.get("/api/v1/agents", operator).json().get("registered").toString()
                .contains("registered-over-http"));
        assertJsonError(kernel.send("PUT", "/api/v1/agents/bad%20name", operator, (String) null), 400,
                "not accepted");

        Answer started = kernel.post("/api/v1/processes", operator, "{\"agent\": \"story\", \"input\": \"Once\"}");
        assertEquals(started.toString(), 202, started.status());
        long id = started.json().get("id").asLong();
        JsonNode p = null;
        for (int i = 0; i < 300; i++) {
            p = kernel.get("/api/v1/processes/p" + id, operator).json();
            if (p.get("status").asText().equals("DONE")) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(String.valueOf(p), "DONE", p.get("status").asText());
        assertTrue(kernel.get("/api/v1/processes", operator).json().get("processes").size() >= 1);
        Answer kill = kernel.send("DELETE", "/api/v1/processes/" + id, operator, (String) null);
        assertEquals(kill.toString(), false, kill.json().get("killed").asBoolean());
        // a long story killed at once
        Answer longOne = kernel.post("/api/v1/processes", operator, "{\"agent\": \"story\", \"input\": \"Tom\"}");
        long longId = longOne.json().get("id").asLong();
        Answer killed = kernel.send("DELETE", "/api/v1/processes/" + longId, operator, (String) null);
        assertEquals(killed.toString(), 200, killed.status());
        String state = killed.json().get("process").get("status").asText();
        assertTrue(killed.toString(), state.equals("KILLED") || state.equals("DONE"));
        assertJsonError(kernel.post("/api/v1/processes", operator, "{\"agent\": \"nope\"}"), 404, "installed");
    }

    @Test
    public void queuesAndPolicies_readAndSwitch() throws Exception {
        Answer queues = kernel.get("/api/v1/queues", cerebro);
        assertEquals(queues.toString(), 4, queues.json().get("queues").size());
        Answer policies = kernel.get("/api/v1/policies", cerebro);
        assertTrue(policies.toString(), policies.json().get("policies").has("priority"));
        Answer switched = kernel.send("PUT", "/api/v1/queues/memory/policy", operator,
                "{\"policy\": \"priority\", \"parameters\": {\"aging.rate\": \"2\"}}");
        assertEquals(switched.toString(), "priority", switched.json().get("policy").asText());
        assertEquals("priority", kernel.get("/api/v1/policies", operator).json().get("queues").get("memory")
                .asText());
        assertJsonError(kernel.send("PUT", "/api/v1/queues/memory/policy", operator, "{\"policy\": \"nope\"}"), 400,
                "no scheduling policy named 'nope'");
        assertJsonError(kernel.send("PUT", "/api/v1/queues/disk/policy", operator, "{\"policy\": \"fifo\"}"), 404,
                "unknown resource");
        assertEquals(200, kernel.send("PUT", "/api/v1/queues/memory/policy", operator, "{\"policy\": \"fifo\"}")
                .status());
    }

    // ---------------------------------------------------------------- streams

    /** Reads server-sent events until one named {@code until}; returns every event name seen, with its data. */
    private static List<String> readEvents(String path, String token, String until, Runnable meanwhile)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(kernel.base() + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).build();
        HttpResponse<java.io.InputStream> response = kernel.client.send(request,
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> seen = new ArrayList<>();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                String name = null;
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("data: ") && name != null) {
                        synchronized (seen) {
                            seen.add(name + " " + line.substring(6));
                        }
                        if (name.equals(until)) {
                            return;
                        }
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(300); // the stream's handler is registered before the response starts; a margin for the reader
        meanwhile.run();
        reader.get(60, TimeUnit.SECONDS);
        response.body().close();
        synchronized (seen) {
            return new ArrayList<>(seen);
        }
    }

    @Test
    public void theEventStream_sendsTheKernelsEvents_andAnAgentSeesOnlyItsOwn() throws Exception {
        String streamer = kernel.agentToken("streamer");
        List<String> mine = readEvents("/api/v1/events?topic=aios/syscall/*", streamer, "aios/syscall/COMPLETED",
                () -> {
                    try {
                        // someone else's syscall first: the stream must not show it
                        kernel.post("/api/v1/syscalls", cerebro, "{\"type\": \"memory\", \"operation\": \"add\","
                                + " \"content\": \"not for streamer\"}");
                        Thread.sleep(200);
                        kernel.post("/api/v1/syscalls", streamer, "{\"type\": \"memory\", \"operation\": \"add\","
                                + " \"content\": \"for streamer\"}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertTrue(mine.toString(), mine.stream().anyMatch(e -> e.startsWith("aios/syscall/SUBMITTED")));
        assertTrue(mine.toString(), mine.stream().allMatch(e -> e.contains("\"agent\":\"streamer\"")));
        // the operator sees everyone's, filtered by agent if asked
        List<String> all = readEvents("/api/v1/events?topic=aios/syscall/COMPLETED&agent=cerebro", operator,
                "aios/syscall/COMPLETED", () -> {
                    try {
                        kernel.post("/api/v1/syscalls", cerebro, "{\"type\": \"memory\", \"operation\": \"add\","
                                + " \"content\": \"watched\"}");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertTrue(all.toString(), all.get(all.size() - 1).contains("\"agent\":\"cerebro\""));
        assertJsonError(kernel.get("/api/v1/events?agent=cerebro", streamer), 403, "may act only as");
        assertJsonError(kernel.get("/api/v1/events?topic=org/osgi/*", operator), 400, "not accepted");
    }

    @Test
    public void theTokenStreamOfAnLlmSyscall_endsWithItsTextAndResult() throws Exception {
        Answer accepted = kernel.post("/api/v1/syscalls", cerebro, "{\"type\": \"llm\", \"prompt\": \"Once upon a"
                + " time\", \"max_tokens\": 300, \"temperature\": 0.8, \"seed\": 3}");
        long id = accepted.json().get("id").asLong();
        List<String> events = readEvents("/api/v1/syscalls/" + id + "/tokens", cerebro, "done", () -> { });
        assertTrue(events.toString(), events.get(0).startsWith("status "));
        assertTrue(events.toString(), events.stream().anyMatch(e -> e.startsWith("text ")));
        String done = events.get(events.size() - 1);
        assertTrue(done, done.startsWith("done ") && done.contains("\"status\":\"COMPLETED\""));
        assertEquals(events.toString(), resultText(done), joinedText(events));
        Answer notLlm = kernel.post("/api/v1/syscalls", cerebro, "{\"type\": \"memory\", \"operation\": \"add\","
                + " \"content\": \"x\"}");
        assertJsonError(kernel.get("/api/v1/syscalls/" + notLlm.json().get("id").asLong() + "/tokens", cerebro),
                400, "only LLM syscalls");
    }

    @Test
    public void theTokenStreamSendsTheTextAsItIsGenerated_inPiecesThatJoinToTheResult() throws Exception {
        // two other generations on the two LLM workers and round robin by 2 tokens: ours takes turns with them, so
        // it is still running when the stream opens, and its text comes slice by slice
        String before = null;
        for (JsonNode q : kernel.get("/api/v1/queues", operator).json().get("queues")) {
            if (q.get("resource").asText().equals("llm")) {
                before = q.get("policy").asText();
            }
        }
        assertNotNull(before);
        assertEquals(200, kernel.send("PUT", "/api/v1/queues/llm/policy", operator,
                "{\"policy\": \"rr\", \"parameters\": {\"slice.tokens\": \"2\"}}").status());
        try {
            String others = kernel.agentToken("others");
            for (int seed = 1; seed <= 2; seed++) {
                assertEquals(202, kernel.post("/api/v1/syscalls", others, "{\"type\": \"llm\", \"prompt\": \"Once"
                        + " upon a time\", \"max_tokens\": 400, \"temperature\": 0.8, \"seed\": " + seed + "}")
                        .status());
            }
            Answer accepted = kernel.post("/api/v1/syscalls", cerebro, "{\"type\": \"llm\", \"prompt\": \"Once upon"
                    + " a time\", \"max_tokens\": 200, \"temperature\": 0.8, \"seed\": 5}");
            long id = accepted.json().get("id").asLong();
            List<String> events = readEvents("/api/v1/syscalls/" + id + "/tokens", cerebro, "done", () -> { });
            String done = events.get(events.size() - 1);
            assertTrue(done, done.startsWith("done ") && done.contains("\"status\":\"COMPLETED\""));
            long pieces = events.stream().filter(e -> e.startsWith("text ")).count();
            assertTrue("more than one text event: " + events, pieces > 1);
            String text = resultText(done);
            assertTrue(done, text.length() > 100);
            assertEquals(events.toString(), text, joinedText(events));
        } finally {
            assertEquals(200, kernel.send("PUT", "/api/v1/queues/llm/policy", operator, "{\"policy\": \"" + before
                    + "\"}").status());
        }
    }

    /** The text of the {@code text} events, joined. */
    private static String joinedText(List<String> events) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String e : events) {
            if (e.startsWith("text ")) {
                text.append(KernelServer.JSON.readTree(e.substring(5)).get("text").asText());
            }
        }
        return text.toString();
    }

    /** The result's text in a {@code done} event. */
    private static String resultText(String done) throws Exception {
        return KernelServer.JSON.readTree(done.substring(5)).get("result").get("text").asText();
    }

    // ---------------------------------------------------------------- limits and bad input

    @Test
    public void oversizedBodies_manyRequests_andBadInput_areJsonErrors() throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        assertJsonError(kernel.send("POST", "/query", cerebro, big), 413, "more than the limit");
        assertJsonError(kernel.post("/query", cerebro, "{\"agent_name\": "), 400, "not valid JSON");
        assertJsonError(kernel.post("/query", cerebro, "[1, 2]"), 400, "must be a JSON object");
        assertJsonError(kernel.post("/query", cerebro, query("cerebro", "telepathy", "{}")), 400, "telepathy");
        assertJsonError(kernel.post("/query", cerebro, "{\"agent_name\": 5, \"query_type\": \"llm\","
                + " \"query_data\": {}}"), 400, "agent_name must be a string");
        assertJsonError(kernel.post("/query", cerebro, query("cerebro", "storage",
                "{\"operation_type\": \"explode\", \"params\": {}}")), 400, "not a storage operation");
        assertJsonError(kernel.post("/query", cerebro, query("cerebro", "memory",
                "{\"operation_type\": \"get_memory\", \"params\": {\"memory_id\": 7}}")), 400, "must be a string");
        assertJsonError(kernel.post("/query", cerebro, query("cerebro", "storage", "{\"operation_type\": \"write\","
                + " \"params\": {\"file_path\": \"../../etc/passwd\", \"content\": \"x\"}}")), 400, "'..'");
        assertJsonError(kernel.post("/query", cerebro, query("cerebro", "storage", "{\"operation_type\": \"write\","
                + " \"params\": {\"file_path\": \"/other/secrets.txt\", \"content\": \"x\"}}")), 403, "mount:other");
        assertJsonError(kernel.send("GET", "/query", cerebro, (String) null), 405, "not allowed");
        assertJsonError(kernel.get("/no/such/endpoint", cerebro), 404, "no endpoint");
        // a client that sends too much is slowed down, alone
        String flood = kernel.agentToken("flood");
        Answer limited = null;
        for (int i = 0; i < 400 && limited == null; i++) {
            Answer a = kernel.get("/api/v1/queues", flood);
            if (a.status() == 429) {
                limited = a;
            }
        }
        assertNotNull("400 quick requests were never limited", limited);
        assertJsonError(limited, 429, "too many requests");
        assertNotNull(limited.toString(), limited.retryAfter());
        assertEquals(200, kernel.get("/api/v1/queues", cerebro).status());
    }

    @Test
    public void everyRouteOfTheOpenApiDescription_answers() throws Exception {
        JsonNode spec = kernel.get("/api/v1/openapi.json", null).json();
        int checked = 0;
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            String concrete = path.getKey().replace("/tokens/{id}", "/tokens/t999999").replace("{id}", "1").replace("{name}", "openapi-check")
                    .replace("{resource}", "tool");
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase(java.util.Locale.ROOT);
                if (concrete.endsWith("/tokens") && method.equals("GET") && concrete.contains("syscalls")) {
                    continue; // a stream: checked in its own test
                }
                if (concrete.equals("/api/v1/events")) {
                    continue; // a stream: checked in its own test
                }
                byte[] body = method.equals("GET") || method.equals("DELETE") ? null : "{}".getBytes();
                Answer a = kernel.send(method, concrete, operator, body);
                assertNotEquals(method + " " + concrete + ": " + a, 405, a.status());
                assertTrue(method + " " + concrete + ": " + a, a.status() != 404
                        || !a.json().get("error").asText().startsWith("no endpoint"));
                assertTrue(method + " " + concrete + ": " + a, a.status() < 500);
                assertNotNull(method + " " + concrete + " answers JSON: " + a, a.json());
                checked++;
            }
        }
        assertTrue("routes checked: " + checked, checked >= 25);
    }
}
