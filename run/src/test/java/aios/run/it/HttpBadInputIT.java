package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import aios.run.it.KernelServer.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Thousands of malformed requests, drawn from a seeded random generator: each must be answered with a 4xx JSON error
 * ({@code {"error": …, "status": N}}, N the HTTP status), none may change anything (the agent's syscall count and its
 * files stay as they were), and the kernel must serve normally afterwards.
 */
public class HttpBadInputIT {

    private static final long SEED = Long.getLong("aios.fuzz.seed", 20261125L);
    private static final int REQUESTS = Integer.getInteger("aios.fuzz.requests", 3000);

    private static KernelServer kernel;
    private static String operator;
    private static String fuzz;

    @BeforeClass
    public static void startKernel() throws Exception {
        // no rate limit in the way: every request should reach the validation it is aimed at
        kernel = KernelServer.start(work -> Files.writeString(work.resolve("conf/aios.http.cfg"),
                "rate.per.second=100000\nrate.burst=100000\nmax.body.bytes=65536\n"));
        operator = kernel.operatorToken();
        for (int i = 0; i < 100; i++) { // FileInstall hands the configuration over shortly after the start
            if (kernel.get("/status", null).json().get("limits").get("rate_burst").asInt() == 100000) {
                break;
            }
            Thread.sleep(100);
        }
        fuzz = kernel.agentToken("fuzz");
    }

    @AfterClass
    public static void stopKernel() throws Exception {
        if (kernel != null) {
            kernel.close();
        }
    }

    /** What the agent has: its syscalls submitted, and the listing of its files. */
    private static String state() throws Exception {
        JsonNode agents = kernel.get("/api/v1/agents", operator).json().get("registered");
        long submitted = -1;
        for (JsonNode a : agents) {
            if (a.get("name").asText().equals("fuzz")) {
                submitted = a.get("submitted").asLong();
            }
        }
        return "submitted=" + submitted;
    }

    @Test
    public void thousandsOfMalformedRequests_are4xxJsonErrors_changeNothing_andTheKernelServesOn() throws Exception {
        // some data of the agent's own, to see that nothing touches it
        Answer w = kernel.post("/query", fuzz, "{\"agent_name\": \"fuzz\", \"query_type\": \"storage\","
                + " \"query_data\": {\"operation_type\": \"write\", \"params\": {\"file_path\": \"keep/me.txt\","
                + " \"content\": \"precious\"}}}");
        assertEquals(w.toString(), 200, w.status());
        String filesBefore = files(); // a syscall of the agent's: before the count is taken
        String before = state();

        Random random = new Random(SEED);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Malformed m = malformed(random);
            Answer a;
            try {
                a = m.send();
            } catch (java.io.IOException e) {
                throw new AssertionError("request " + i + " (seed " + SEED + ", " + m.kind + "): " + m.describe()
                        + " got no answer: " + e, e);
            }
            String what = "request " + i + " (seed " + SEED + ", " + m.kind + "): " + m.describe() + " -> " + a;
            assertTrue(what, a.status() >= 400 && a.status() < 500);
            assertTrue(what, a.contentType().startsWith("application/json"));
            assertTrue(what, a.json() != null && a.json().path("error").isTextual()
                    && !a.json().get("error").asText().isBlank());
            assertEquals(what, a.status(), a.json().get("status").asInt());
            statuses.merge(a.status(), 1, Integer::sum);
            if (!kinds.contains(m.kind)) {
                kinds.add(m.kind);
            }
        }
        System.out.println("HttpBadInputIT: " + REQUESTS + " malformed requests, statuses " + statuses + ", kinds "
                + kinds);
        assertEquals("nothing was submitted for the agent", before, state());
        assertEquals("its files are as they were", filesBefore, files());
        assertTrue(statuses.toString(), statuses.keySet().containsAll(List.of(400, 401, 403, 405, 413)));

        // the kernel serves on
        assertEquals(200, kernel.get("/status", null).status());
        Answer read = kernel.post("/query", fuzz, "{\"agent_name\": \"fuzz\", \"query_type\": \"storage\","
                + " \"query_data\": {\"operation_type\": \"read\", \"params\": {\"file_path\": \"keep/me.txt\"}}}");
        assertEquals(read.toString(), "precious", read.json().get("response").get("response_message").asText());
    }

    private static String files() throws Exception {
        Answer a = kernel.post("/api/v1/syscalls", operator, "{\"type\": \"storage\", \"agent\": \"fuzz\","
                + " \"operation\": \"list\", \"path\": \"keep\"}");
        long id = a.json().get("id").asLong();
        return kernel.get("/api/v1/syscalls/" + id + "/result?wait=30", operator).json().get("result")
                .get("entries").toString();
    }

    // ---------------------------------------------------------------- the generator

    private record Malformed(String kind, String method, String path, String token, byte[] body) {
        Answer send() throws Exception {
            return kernel.send(method, path, token, body);
        }

        String describe() {
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + path + (token == null ? " (no token)" : "") + " " + text;
        }
    }

    private static final String[] VALID = {
        "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [{\"role\": \"user\","
                + " \"content\": \"Hi\"}], \"max_new_tokens\": 5}}",
        "{\"agent_name\": \"fuzz\", \"query_type\": \"memory\", \"query_data\": {\"operation_type\": \"add_memory\","
                + " \"params\": {\"content\": \"x\", \"metadata\": {}}}}",
        "{\"agent_name\": \"fuzz\", \"query_type\": \"storage\", \"query_data\": {\"operation_type\": \"write\","
                + " \"params\": {\"file_path\": \"f.txt\", \"content\": \"y\"}}}",
        "{\"agent_name\": \"fuzz\", \"query_type\": \"tool\", \"query_data\": {\"tool_calls\": [{\"name\": \"calc\","
                + " \"parameters\": {\"expression\": \"1+1\"}}]}}",
    };

    /** Fields of the templates that must be strings; any other type is refused. */
    private static final String[][] STRING_FIELDS = {
        {"agent_name"}, {"query_type"}, {"query_data", "operation_type"}, {"query_data", "params", "file_path"},
        {"query_data", "params", "content"},
    };

    private static final Object[] WRONG_TYPES = {42, 3.5, true, List.of(1, 2), Map.of("a", 1)};

    private static Malformed malformed(Random r) throws Exception {
        String token = fuzz;
        int pick = r.nextInt(20);
        String template = VALID[r.nextInt(VALID.length)];
        return switch (pick) {
            case 0, 1 -> { // truncated JSON: a proper prefix of an object is never a whole object
                int cut = 1 + r.nextInt(template.strip().length() - 1);
                yield new Malformed("truncated", "POST", "/query", token, template.substring(0, cut).getBytes());
            }
            case 2 -> { // garbage that does not start an object
                byte[] b = new byte[1 + r.nextInt(200)];
                r.nextBytes(b);
                if (b[0] == '{' || Character.isWhitespace(b[0])) {
                    b[0] = 'x';
                }
                yield new Malformed("garbage", "POST", "/query", token, b);
            }
            case 3, 4 -> { // a string field given another type
                ObjectNode doc = (ObjectNode) KernelServer.JSON.readTree(VALID[2]);
                String[] field = STRING_FIELDS[r.nextInt(STRING_FIELDS.length)];
                ObjectNode parent = doc;
                for (int i = 0; i < field.length - 1; i++) {
                    parent = (ObjectNode) parent.get(field[i]);
                }
                parent.set(field[field.length - 1], KernelServer.JSON.valueToTree(WRONG_TYPES[r.nextInt(
                        WRONG_TYPES.length)]));
                yield new Malformed("wrong type", "POST", "/query", token, doc.toString().getBytes());
            }
            case 5 -> { // unknown query_type
                ObjectNode doc = (ObjectNode) KernelServer.JSON.readTree(template);
                doc.put("query_type", word(r));
                yield new Malformed("unknown query_type", "POST", "/query", token, doc.toString().getBytes());
            }
            case 6 -> { // unknown operation
                ObjectNode doc = (ObjectNode) KernelServer.JSON.readTree(VALID[1 + r.nextInt(2)]);
                ((ObjectNode) doc.get("query_data")).put("operation_type", word(r));
                yield new Malformed("unknown operation", "POST", "/query", token, doc.toString().getBytes());
            }
            case 7 -> { // a required field missing
                ObjectNode doc = (ObjectNode) KernelServer.JSON.readTree(template);
                String[] required = {"agent_name", "query_type", "query_data"};
                doc.remove(required[r.nextInt(required.length)]);
                yield new Malformed("missing field", "POST", "/query", token, doc.toString().getBytes());
            }
            case 8, 9 -> { // a path that leaves the agent's storage, or another agent's
                String[] paths = {"../x", "a/../../b", "..", "notes/../../../etc/passwd", "..\\win",
                    "/other-agent/file.txt", "/shared/x", "a\u0000b", "a\nb"};
                ObjectNode doc = (ObjectNode) KernelServer.JSON.readTree(VALID[2]);
                ((ObjectNode) doc.get("query_data").get("params")).put("file_path", paths[r.nextInt(paths.length)]);
                yield new Malformed("path traversal", "POST", "/query", token, doc.toString().getBytes());
            }
            case 10 -> { // a token that is not one
                String bad = r.nextBoolean() ? "aios_" + word(r) : word(r);
                yield r.nextBoolean() ? new Malformed("bad token", "POST", "/query", bad, template.getBytes())
                        : new Malformed("bad token in path", "POST", "/t/" + bad + "/query", null,
                        template.getBytes());
            }
            case 11 -> new Malformed("no token", "POST", r.nextBoolean() ? "/query" : "/api/v1/syscalls", null,
                    template.getBytes());
            case 12 -> { // acting as another agent
                ObjectNode doc = (ObjectNode) KernelServer.JSON.readTree(template);
                doc.put("agent_name", "victim-" + r.nextInt(5));
                yield new Malformed("other agent", "POST", "/query", token, doc.toString().getBytes());
            }
            case 13 -> { // oversized
                byte[] b = new byte[65536 + 1 + r.nextInt(4096)];
                java.util.Arrays.fill(b, (byte) 'a');
                yield new Malformed("oversized", "POST", r.nextBoolean() ? "/query" : "/api/v1/syscalls", token, b);
            }
            case 14 -> { // a method the endpoint does not take
                String[][] wrong = {{"GET", "/query"}, {"PUT", "/query"}, {"DELETE", "/query"},
                    {"POST", "/api/v1/queues"}, {"PATCH", "/api/v1/syscalls"}, {"POST", "/status"}};
                String[] w = wrong[r.nextInt(wrong.length)];
                yield new Malformed("wrong method", w[0], w[1], token, null);
            }
            case 15 -> { // nesting too deep
                int depth = 65 + r.nextInt(200);
                String doc = "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": "
                        + "[".repeat(depth) + "]".repeat(depth) + "}";
                yield new Malformed("deep nesting", "POST", "/query", token, doc.getBytes());
            }
            case 16 -> { // numbers out of range
                String[] bodies = {
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"memory\", \"query_data\": {\"operation_type\":"
                            + " \"retrieve_memory\", \"params\": {\"content\": \"x\", \"k\": " + (-r.nextInt(1000))
                            + "}}}",
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [{\"role\":"
                            + " \"user\", \"content\": \"x\"}], \"max_new_tokens\": " + (r.nextBoolean() ? 0
                            : 1L << 40) + "}}",
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"storage\", \"query_data\": {\"operation_type\":"
                            + " \"rollback\", \"params\": {\"file_path\": \"f.txt\", \"n\": " + (-r.nextInt(5)) + "}}}",
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [{\"role\":"
                            + " \"user\", \"content\": \"x\"}], \"temperature\": -" + (1 + r.nextInt(9)) + "}}"};
                yield new Malformed("out of range", "POST", "/query", token,
                        bodies[r.nextInt(bodies.length)].getBytes());
            }
            case 17 -> { // duplicate keys
                String doc = "{\"agent_name\": \"fuzz\", \"agent_name\": \"fuzz\", \"query_type\": \"llm\","
                        + " \"query_data\": {}}";
                yield new Malformed("duplicate key", "POST", "/query", token, doc.getBytes());
            }
            case 18 -> { // native syscalls with bad fields
                String[] bodies = {"{\"type\": \"" + word(r) + "\"}", "{\"type\": \"storage\", \"operation\":"
                        + " \"write\", \"path\": \"../" + word(r) + "\"}", "{\"type\": \"llm\"}",
                    "{\"type\": \"memory\", \"operation\": \"get\"}", "{\"type\": \"tool\", \"calls\": []}",
                    "{\"type\": \"llm\", \"prompt\": \"x\", \"seed\": \"" + word(r) + "\"}",
                    "{\"type\": \"storage\", \"agent\": \"victim\", \"operation\": \"read\", \"path\": \"a\"}"};
                yield new Malformed("native", "POST", "/api/v1/syscalls", token,
                        bodies[r.nextInt(bodies.length)].getBytes());
            }
            default -> { // LLM queries with unknown actions, roles or content types
                String[] bodies = {
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [{\"role\":"
                            + " \"" + word(r) + "\", \"content\": \"x\"}]}}",
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [],"
                            + " \"action_type\": \"chat\"}}",
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [{\"role\":"
                            + " \"user\", \"content\": \"x\"}], \"action_type\": \"" + word(r) + "\"}}",
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [{\"role\":"
                            + " \"user\", \"content\": {\"no\": 1}}]}}",
                    "{\"agent_name\": \"fuzz\", \"query_type\": \"llm\", \"query_data\": {\"messages\": [{\"role\":"
                            + " \"user\", \"content\": \"x\"}], \"action_type\": \"call_tool\", \"tools\": []}}"};
                yield new Malformed("llm fields", "POST", "/query", token, bodies[r.nextInt(bodies.length)]
                        .getBytes());
            }
        };
    }

    private static String word(Random r) {
        StringBuilder b = new StringBuilder("zz");
        for (int i = 0, n = 1 + r.nextInt(10); i < n; i++) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }
}
