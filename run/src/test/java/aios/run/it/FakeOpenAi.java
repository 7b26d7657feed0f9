package aios.run.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake OpenAI-compatible server on the loopback interface: {@code POST /v1/chat/completions} and
 * {@code GET /v1/models} as OpenAI's API reference defines them. It checks every request's shape — the fields, their
 * types and ranges, the roles and what each may carry, that each tool message answers an earlier call, the bearer key
 * — and refuses one that is wrong with HTTP 400 naming the fault, as the real API does (and keeps the fault for the
 * test to assert on). Its answers are shaped like the real ones, streamed ({@code chat.completion.chunk} events, the
 * usage last, {@code data: [DONE]}) or whole.
 *
 * <p>What it answers depends on the model asked:
 * <ul>
 * <li>{@value #SLOW}: nothing until {@link #close()} (or 30 s) — for timeouts;
 * <li>{@value #ENDLESS}: a streamed word every 50 ms until the client goes away ({@link #disconnected}) — for
 *     cancellation;
 * <li>any other: with tools offered and {@code tool_choice} auto, a ReAct script — first a call of {@code calc} on the
 *     product in the user's message ({@code 17 * 23}), then, once a tool message answers it, the answer
 *     {@code 17 * 23 = VALUE} with the {@code value} of that tool message; without tools, {@code You said: TEXT} of the
 *     last user message.
 * </ul>
 * Usage: prompt tokens are the words of all messages, completion tokens the parts of the answer.
 */
final class FakeOpenAi implements AutoCloseable {

    static final String SLOW = "fake-slow";
    static final String ENDLESS = "fake-endless";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PRODUCT = Pattern.compile("(\\d+) \\* (\\d+)");
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*\"([^\"]+)\"");
    private static final Set<String> TOP_LEVEL = Set.of("model", "messages", "tools", "tool_choice", "response_format",
            "temperature", "top_p", "max_tokens", "max_completion_tokens", "seed", "stream", "stream_options", "n",
            "stop", "presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "top_logprobs", "user",
            "parallel_tool_calls", "service_tier", "store", "metadata", "reasoning_effort", "modalities");

    /** A request the server took: its body, and the Authorization header. */
    record Request(JsonNode body, String authorization) {
    }

    private final HttpServer server;
    private final String key;
    private final List<String> listed;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Faults found in requests; each was answered with HTTP 400. */
    final List<String> faults = new CopyOnWriteArrayList<>();
    /** Counted down when an endless stream's client has closed the connection. */
    final CountDownLatch disconnected = new CountDownLatch(1);
    /** Counted down when an endless stream has begun. */
    final CountDownLatch streaming = new CountDownLatch(1);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicInteger ids = new AtomicInteger();
    private volatile JsonNode lastUsage;

    /**
     * @param key the bearer key it accepts
     * @param listed the models {@code GET /v1/models} lists
     */
    FakeOpenAi(String key, String... listed) throws IOException {
        this.key = key;
        this.listed = List.of(listed);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/chat/completions", x -> {
            try (x) {
                chat(x);
            } catch (IOException | RuntimeException e) {
                // the client went away mid-answer
            }
        });
        server.createContext("/v1/models", x -> {
            try (x) {
                models(x);
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The usage of the last answer sent. */
    JsonNode lastUsage() {
        return lastUsage;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }

    private void models(HttpExchange x) throws IOException {
        if (!authorized(x)) {
            return;
        }
        ObjectNode list = JSON.createObjectNode().put("object", "list");
        ArrayNode data = list.putArray("data");
        listed.forEach(id -> data.addObject().put("id", id).put("object", "model").put("created", 1_700_000_000)
                .put("owned_by", "fake"));
        send(x, 200, list);
    }

    private boolean authorized(HttpExchange x) throws IOException {
        String auth = x.getRequestHeaders().getFirst("Authorization");
        if (("Bearer " + key).equals(auth)) {
            return true;
        }
        String given = auth == null || !auth.startsWith("Bearer ") ? null : auth.substring(7);
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", given == null
                        ? "You didn't provide an API key. You need to provide your API key in an Authorization header "
                        + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
                        : "Incorrect API key provided: " + mask(given) + ". You can find your API key at "
                        + "https://platform.openai.com/account/api-keys.")
                .put("type", "invalid_request_error").putNull("param")
                .put("code", given == null ? null : "invalid_api_key");
        send(x, 401, error);
        return false;
    }

    private static String mask(String k) {
        return k.length() <= 8 ? "sk-***" : k.substring(0, 5) + "***" + k.substring(k.length() - 2);
    }

    private void chat(HttpExchange x) throws IOException {
        if (!x.getRequestMethod().equals("POST")) {
            refuse(x, 405, "Only POST is allowed on /v1/chat/completions, not " + x.getRequestMethod());
            return;
        }
        String type = x.getRequestHeaders().getFirst("Content-Type");
        JsonNode body;
        try {
            body = JSON.readTree(x.getRequestBody().readAllBytes());
        } catch (IOException e) {
            refuse(x, 400, "We could not parse the JSON body of your request: " + e.getMessage());
            return;
        }
        requests.add(new Request(body, x.getRequestHeaders().getFirst("Authorization")));
        if (!authorized(x)) {
            return;
        }
        List<String> found = new ArrayList<>();
        if (type == null || !type.startsWith("application/json")) {
            found.add("Content-Type is " + type + ", not application/json");
        }
        check(body, found);
        if (!found.isEmpty()) {
            faults.addAll(found);
            refuse(x, 400, String.join("; ", found));
            return;
        }
        String model = body.get("model").asText();
        boolean stream = body.path("stream").asBoolean(false);
        if (model.equals(SLOW)) {
            try {
                closing.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        if (model.equals(ENDLESS)) {
            endless(x, model);
            return;
        }
        answer(x, body, model, stream);
    }

    /** The script: a calc call, then the answer with calc's value; or an echo without tools. */
    private void answer(HttpExchange x, JsonNode body, String model, boolean stream) throws IOException {
        JsonNode messages = body.get("messages");
        String lastUser = "";
        String toolOutput = null;
        for (JsonNode m : messages) {
            switch (m.get("role").asText()) {
                case "user" -> lastUser = m.get("content").asText();
                case "tool" -> toolOutput = m.get("content").asText();
                default -> { }
            }
        }
        int promptTokens = 0;
        for (JsonNode m : messages) {
            promptTokens += m.path("content").asText("").split("\\s+").length;
        }
        boolean tools = body.has("tools") && "auto".equals(body.path("tool_choice").asText());
        Matcher product = PRODUCT.matcher(lastUser);
        List<String> words = new ArrayList<>();
        ObjectNode call = null;
        if (tools && toolOutput == null && product.find()) {
            call = JSON.createObjectNode().put("id", "call_" + ids.incrementAndGet()).put("type", "function");
            call.putObject("function").put("name", "calc")
                    .put("arguments", JSON.createObjectNode().put("expression", product.group()).toString());
        } else if (tools && toolOutput != null && product.find()) {
            Matcher value = VALUE.matcher(toolOutput);
            words.addAll(List.of((product.group() + " = " + (value.find() ? value.group(1) : "?")).split("(?<= )")));
        } else {
            words.addAll(List.of(("You said: " + lastUser).split("(?<= )")));
        }
        int completionTokens = call != null ? 3 : words.size();
        ObjectNode usage = JSON.createObjectNode().put("prompt_tokens", promptTokens)
                .put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens);
        lastUsage = usage;
        String finish = call != null ? "tool_calls" : "stop";
        String id = "chatcmpl-fake" + ids.incrementAndGet();
        if (!stream) {
            ObjectNode completion = head(id, model, "chat.completion");
            ObjectNode choice = completion.putArray("choices").addObject().put("index", 0);
            ObjectNode message = choice.putObject("message").put("role", "assistant");
            if (call != null) {
                message.putNull("content");
                message.putArray("tool_calls").add(call);
            } else {
                message.put("content", String.join("", words));
            }
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", finish);
            completion.set("usage", usage);
            send(x, 200, completion);
            return;
        }
        boolean withUsage = body.path("stream_options").path("include_usage").asBoolean(false);
        x.getResponseHeaders().set("Content-Type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        event(out, chunk(id, model, withUsage, d -> d.put("role", "assistant").put("content", ""), null));
        if (call != null) {
            String arguments = call.get("function").get("arguments").asText();
            ObjectNode first = JSON.createObjectNode().put("index", 0).put("id", call.get("id").asText())
                    .put("type", "function");
            first.putObject("function").put("name", "calc").put("arguments", "");
            event(out, chunk(id, model, withUsage, d -> d.putArray("tool_calls").add(first), null));
            int half = arguments.length() / 2;
            for (String piece : List.of(arguments.substring(0, half), arguments.substring(half))) {
                ObjectNode next = JSON.createObjectNode().put("index", 0);
                next.putObject("function").put("arguments", piece);
                event(out, chunk(id, model, withUsage, d -> d.putArray("tool_calls").add(next), null));
            }
        } else {
            for (String w : words) {
                event(out, chunk(id, model, withUsage, d -> d.put("content", w), null));
            }
        }
        event(out, chunk(id, model, withUsage, d -> { }, finish));
        if (withUsage) {
            ObjectNode last = head(id, model, "chat.completion.chunk");
            last.putArray("choices");
            last.set("usage", usage);
            event(out, last.toString());
        }
        event(out, "[DONE]");
    }

    private void endless(HttpExchange x, String model) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        String id = "chatcmpl-fake" + ids.incrementAndGet();
        try {
            for (int i = 0; i < 600; i++) { // 30 s at most
                event(out, chunk(id, model, false, d -> d.put("content", "more "), null));
                streaming.countDown();
                Thread.sleep(50);
            }
        } catch (IOException e) {
            disconnected.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Delta {
        void fill(ObjectNode delta);
    }

    private static ObjectNode head(String id, String model, String object) {
        return JSON.createObjectNode().put("id", id).put("object", object).put("created", System.currentTimeMillis() / 1000)
                .put("model", model).put("system_fingerprint", "fp_fake");
    }

    private static String chunk(String id, String model, boolean withUsage, Delta delta, String finish) {
        ObjectNode c = head(id, model, "chat.completion.chunk");
        ObjectNode choice = c.putArray("choices").addObject().put("index", 0);
        delta.fill(choice.putObject("delta"));
        choice.putNull("logprobs");
        if (finish == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finish);
        }
        if (withUsage) {
            c.putNull("usage");
        }
        return c.toString();
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange x, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, bytes.length);
        x.getResponseBody().write(bytes);
    }

    private static void refuse(HttpExchange x, int status, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        error.putObject("error").put("message", message).put("type", "invalid_request_error").putNull("param")
                .putNull("code");
        send(x, status, error);
    }

    // ------------------------------------------------------------------ the request's shape

    /** Adds what is wrong with a chat completion request, as the API reference defines one. */
    static void check(JsonNode body, List<String> found) {
        if (!body.isObject()) {
            found.add("the body is not a JSON object");
            return;
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP_LEVEL.contains(f)) {
                found.add("Unrecognized request argument supplied: " + f);
            }
        }
        if (!body.path("model").isTextual() || body.path("model").asText().isEmpty()) {
            found.add("model must be a non-empty string");
        }
        JsonNode messages = body.path("messages");
        if (!messages.isArray() || messages.isEmpty()) {
            found.add("messages must be a non-empty array");
        } else {
            checkMessages(messages, found);
        }
        JsonNode tools = body.path("tools");
        if (body.has("tools")) {
            if (!tools.isArray() || tools.isEmpty()) {
                found.add("tools must be a non-empty array");
            } else {
                for (int i = 0; i < tools.size(); i++) {
                    checkTool(tools.get(i), "tools[" + i + "]", found);
                }
            }
        }
        if (body.has("tool_choice")) {
            JsonNode choice = body.get("tool_choice");
            if (!body.has("tools")) {
                found.add("tool_choice is only allowed when tools are specified");
            }
            if (!(choice.isTextual() && Set.of("none", "auto", "required").contains(choice.asText())
                    || choice.isObject() && "function".equals(choice.path("type").asText())
                    && choice.path("function").path("name").isTextual())) {
                found.add("tool_choice must be none, auto, required or a named function, not " + choice);
            }
        }
        if (body.has("response_format")) {
            String type = body.get("response_format").path("type").asText("");
            if (!Set.of("text", "json_object", "json_schema").contains(type)) {
                found.add("response_format.type must be text, json_object or json_schema, not '" + type + "'");
            }
            if (type.equals("json_object") && !body.path("messages").toString().toLowerCase(Locale.ROOT)
                    .contains("json")) {
                found.add("'messages' must contain the word 'json' in some form, to use 'response_format' of type "
                        + "'json_object'.");
            }
        }
        range(body, "temperature", 0, 2, found);
        range(body, "top_p", 0, 1, found);
        if (body.has("max_tokens") && body.has("max_completion_tokens")) {
            found.add("max_tokens and max_completion_tokens cannot both be set");
        }
        for (String f : List.of("max_tokens", "max_completion_tokens")) {
            if (body.has(f) && (!body.get(f).isIntegralNumber() || body.get(f).asLong() < 1)) {
                found.add(f + " must be an integer of at least 1, not " + body.get(f));
            }
        }
        if (body.has("seed") && !body.get("seed").isIntegralNumber()) {
            found.add("seed must be an integer, not " + body.get("seed"));
        }
        if (body.has("stream") && !body.get("stream").isBoolean()) {
            found.add("stream must be a boolean, not " + body.get("stream"));
        }
        if (body.has("stream_options")) {
            if (!body.path("stream").asBoolean(false)) {
                found.add("The 'stream_options' parameter is only allowed when 'stream' is enabled.");
            }
            JsonNode options = body.get("stream_options");
            if (!options.isObject() || options.has("include_usage") && !options.get("include_usage").isBoolean()) {
                found.add("stream_options must be an object with a boolean include_usage, not " + options);
            }
        }
    }

    private static void checkMessages(JsonNode messages, List<String> found) {
        Set<String> open = new HashSet<>(); // calls of assistant turns not answered yet
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String at = "messages[" + i + "]";
            String role = m.path("role").asText("");
            JsonNode content = m.path("content");
            Set<String> allowed = switch (role) {
                case "system", "developer", "user" -> Set.of("role", "content", "name");
                case "assistant" -> Set.of("role", "content", "name", "tool_calls", "refusal");
                case "tool" -> Set.of("role", "content", "tool_call_id");
                default -> {
                    found.add(at + ".role must be system, developer, user, assistant or tool, not '" + role + "'");
                    yield Set.of();
                }
            };
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.isEmpty() && !allowed.contains(f)) {
                    found.add(at + ": unknown field '" + f + "' for a " + role + " message");
                }
            }
            switch (role) {
                case "system", "developer", "user" -> {
                    if (!content.isTextual()) {
                        found.add(at + ".content must be a string, not " + content);
                    }
                }
                case "assistant" -> {
                    JsonNode calls = m.path("tool_calls");
                    if (m.has("tool_calls")) {
                        if (!calls.isArray() || calls.isEmpty()) {
                            found.add(at + ".tool_calls must be a non-empty array");
                        } else {
                            for (int c = 0; c < calls.size(); c++) {
                                JsonNode call = calls.get(c);
                                String cat = at + ".tool_calls[" + c + "]";
                                if (!call.path("id").isTextual() || call.path("id").asText().isEmpty()) {
                                    found.add(cat + ".id must be a non-empty string");
                                } else {
                                    open.add(call.get("id").asText());
                                }
                                if (!"function".equals(call.path("type").asText())) {
                                    found.add(cat + ".type must be 'function'");
                                }
                                if (!call.path("function").path("name").isTextual()
                                        || !call.path("function").path("arguments").isTextual()) {
                                    found.add(cat + ".function must have a string name and string arguments");
                                }
                            }
                        }
                    }
                    if (!(content.isTextual() || content.isNull() && m.has("tool_calls"))) {
                        found.add(at + ".content must be a string (or null when the message has tool_calls), not "
                                + (m.has("content") ? content : "missing"));
                    }
                }
                case "tool" -> {
                    if (!content.isTextual()) {
                        found.add(at + ".content must be a string, not " + content);
                    }
                    String id = m.path("tool_call_id").asText("");
                    if (!open.remove(id)) {
                        found.add("Invalid parameter: " + at + " with role 'tool' must be a response to a preceeding "
                                + "message with 'tool_calls' (tool_call_id '" + id + "' answers no call)");
                    }
                }
                default -> { }
            }
        }
    }

    private static void checkTool(JsonNode tool, String at, List<String> found) {
        if (!"function".equals(tool.path("type").asText())) {
            found.add(at + ".type must be 'function'");
        }
        JsonNode f = tool.path("function");
        if (!f.path("name").asText("").matches("[a-zA-Z0-9_-]{1,64}")) {
            found.add(at + ".function.name must match ^[a-zA-Z0-9_-]{1,64}$, not " + f.path("name"));
        }
        if (f.has("description") && !f.get("description").isTextual()) {
            found.add(at + ".function.description must be a string");
        }
        if (f.has("parameters") && !f.get("parameters").isObject()) {
            found.add(at + ".function.parameters must be a JSON Schema object");
        }
        for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!Set.of("name", "description", "parameters", "strict").contains(name)) {
                found.add(at + ".function: unknown field '" + name + "'");
            }
        }
    }

    private static void range(JsonNode body, String field, double min, double max, List<String> found) {
        if (body.has(field)) {
            JsonNode v = body.get(field);
            if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
                found.add(field + " must be a number from " + min + " to " + max + ", not " + v);
            }
        }
    }
}
