package aios.llm.openai;

import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.ToolCall;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's answer, read from a chat completion ({@link #of}) or put together from the chunks of a streamed one
 * ({@link #add}): the text of {@code choices[0]}, its {@code tool_calls} as {@link ToolCall}s, its
 * {@code finish_reason}, and the {@code usage}. Not thread-safe: one generation's reader feeds it.
 */
final class ChatAnswer {

    private final String model;
    private final URI from;
    private final StringBuilder text = new StringBuilder();
    /** Tool calls by their index in the answer; a streamed call arrives in pieces. */
    private final Map<Integer, PartialCall> calls = new TreeMap<>();
    private String finishReason;
    private int promptTokens = -1;
    private int completionTokens = -1;
    private int parts;

    private static final class PartialCall {
        String id;
        final StringBuilder name = new StringBuilder();
        final StringBuilder arguments = new StringBuilder();
    }

    /**
     * @param model the model name the syscall asked for (the result names it, so it routes back here)
     * @param from the URL the answer came from, for messages
     */
    ChatAnswer(String model, URI from) {
        this.model = model;
        this.from = from;
    }

    /**
     * Reads a whole (not streamed) chat completion.
     *
     * @throws IOException naming the URL and what is missing, if it is not a chat completion
     */
    static LlmResult of(JsonNode completion, String model, URI from) throws IOException {
        ChatAnswer a = new ChatAnswer(model, from);
        JsonNode choice = a.firstChoice(completion);
        if (choice == null) {
            throw a.malformed("it has no choices", completion);
        }
        JsonNode message = choice.path("message");
        if (!message.isObject()) {
            throw a.malformed("its first choice has no message", completion);
        }
        a.content(message.path("content"));
        a.toolCalls(message.path("tool_calls"), false);
        a.finish(choice.path("finish_reason"));
        a.usage(completion.path("usage"));
        return a.result();
    }

    /**
     * Adds a chunk of a streamed answer ({@code chat.completion.chunk}).
     *
     * @return how many parts of the answer it carried (0 or 1: a piece of text or of tool calls counts as one)
     * @throws IOException if the chunk is an error, naming the server's message
     */
    int add(JsonNode chunk) throws IOException {
        if (chunk.has("error")) {
            throw new IOException("the server at " + from + " broke off its answer for model '" + model + "' with an "
                    + "error: " + ApiException.errorMessage(chunk.get("error")));
        }
        usage(chunk.path("usage"));
        JsonNode choice = firstChoice(chunk);
        if (choice == null) {
            return 0; // the usage chunk, or a keep-alive
        }
        JsonNode delta = choice.path("delta");
        int before = text.length();
        content(delta.path("content"));
        boolean called = toolCalls(delta.path("tool_calls"), true);
        finish(choice.path("finish_reason"));
        int n = text.length() > before || called ? 1 : 0;
        parts += n;
        return n;
    }

    /** Parts of a streamed answer so far (about its tokens: servers send about one per chunk). */
    int parts() {
        return parts;
    }

    boolean finishReasonSeen() {
        return finishReason != null;
    }

    /** The answer: whole once the stream has ended; before, the text so far without tool calls. */
    LlmResult partial() {
        return new LlmResult(text.toString(), List.of(), finishReason, Math.max(0, promptTokens), parts, model);
    }

    /**
     * The answer as a result.
     *
     * @throws IOException if a tool call has no name
     */
    LlmResult result() throws IOException {
        List<ToolCall> out = new ArrayList<>();
        for (Map.Entry<Integer, PartialCall> e : calls.entrySet()) {
            PartialCall c = e.getValue();
            if (c.name.isEmpty()) {
                throw new IOException("the answer of " + from + " for model '" + model + "' has a tool call (number "
                        + (e.getKey() + 1) + ") without a function name; the model or the server's tool-call parsing "
                        + "is at fault");
            }
            out.add(new ToolCall(c.id, c.name.toString(), c.arguments.toString()));
        }
        String finish = finishReason != null ? finishReason : out.isEmpty() ? "stop" : "tool_calls";
        int completion = completionTokens >= 0 ? completionTokens : parts;
        return new LlmResult(text.toString(), out, finish, Math.max(0, promptTokens), completion, model);
    }

    private JsonNode firstChoice(JsonNode node) {
        JsonNode choices = node.path("choices");
        if (!choices.isArray() || choices.isEmpty()) {
            return null;
        }
        for (JsonNode c : choices) {
            if (c.path("index").asInt(0) == 0) {
                return c;
            }
        }
        return null; // only other choices (n > 1 is never asked for)
    }

    private void content(JsonNode content) {
        if (content.isTextual()) {
            text.append(content.asText());
        }
    }

    /** Adds the calls of a message ({@code streamed} false) or the call pieces of a delta; whether there were any. */
    private boolean toolCalls(JsonNode list, boolean streamed) {
        if (!list.isArray() || list.isEmpty()) {
            return false;
        }
        int position = 0;
        for (JsonNode call : list) {
            int index;
            if (call.path("index").isIntegralNumber()) {
                index = call.path("index").asInt();
            } else if (streamed) { // a server that numbers no pieces: one with an id starts a call, others continue it
                index = call.path("id").isTextual() ? calls.size() : Math.max(0, calls.size() - 1);
            } else {
                index = position;
            }
            position++;
            PartialCall c = calls.computeIfAbsent(index, k -> new PartialCall());
            if (call.path("id").isTextual() && !call.path("id").asText().isEmpty()) {
                c.id = call.path("id").asText();
            }
            JsonNode function = call.path("function");
            JsonNode name = function.path("name");
            // the name comes whole in a call's first piece; a server that repeats it in later pieces adds nothing
            if (name.isTextual() && !c.name.toString().equals(name.asText())) {
                c.name.append(name.asText());
            }
            JsonNode arguments = function.path("arguments");
            if (arguments.isTextual()) {
                c.arguments.append(arguments.asText());
            } else if (arguments.isObject()) {
                c.arguments.append(arguments); // a server that sends the arguments as an object, not as its text
            }
        }
        return true;
    }

    private void finish(JsonNode reason) {
        if (reason.isTextual() && !reason.asText().isEmpty()) {
            finishReason = reason.asText();
        }
    }

    private void usage(JsonNode usage) {
        if (usage.isObject()) {
            if (usage.path("prompt_tokens").isIntegralNumber()) {
                promptTokens = usage.path("prompt_tokens").asInt();
            }
            if (usage.path("completion_tokens").isIntegralNumber()) {
                completionTokens = usage.path("completion_tokens").asInt();
            }
        }
    }

    private IOException malformed(String what, JsonNode answer) {
        return new IOException("the answer of " + from + " for model '" + model + "' is not a chat completion: " + what
                + " (" + ApiException.abbreviate(answer.toString()) + "); is base.url the API's base URL?");
    }
}
