package aios.llm.openai;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.syscall.LlmResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/**
 * A streamed answer ({@code stream: true}) read in steps: each step reads server-sent events until it has the parts
 * it was asked for (a part is a chunk with text or a piece of a tool call; servers send about one token per chunk)
 * or the stream ends ({@code data: [DONE]}). Between steps the unread stream waits in the connection, so a preempted
 * generation holds the server back rather than losing what it sends, and continues where it stopped.
 *
 * <p>The state is an open HTTP stream, so {@link #snapshot()} is not supported: a kernel snapshot saves such a
 * generation as its query, which a restore runs again from the start. Not thread-safe (the kernel steps it from one
 * worker at a time).
 */
final class StreamedGeneration implements Generation {

    private final ApiClient client;
    private final ResponseBody body;
    private final ChatAnswer answer;
    private final String model;
    private final StringBuilder data = new StringBuilder();
    private LlmResult result;
    private boolean done;

    StreamedGeneration(ApiClient client, ResponseBody body, String model) {
        this.client = client;
        this.body = body;
        this.model = model;
        this.answer = new ChatAnswer(model, client.endpoint().chat());
    }

    @Override
    public int step(int maxTokens) throws Exception {
        int parts = 0;
        try {
            while (!done && parts < maxTokens) {
                String line = client.readLine(body, model);
                if (line == null) {
                    dispatch(); // a last event without its blank line
                    end(false);
                } else if (line.isEmpty()) {
                    parts += dispatch();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(value(line, 5));
                } else if (line.startsWith("error:")) {
                    // llama.cpp's server reports a failure in the middle of a stream this way
                    throw new IOException("the server at " + client.endpoint().chat() + " broke off its answer for "
                            + "model '" + model + "' with an error: " + error(value(line, 6)));
                }
                // other fields (event:, id:, retry:) and comments (:) carry nothing for a chat completion
            }
        } catch (Exception e) {
            done = true;
            body.close();
            throw e;
        }
        return parts;
    }

    /** Handles the event whose data lines were read; the parts it carried. */
    private int dispatch() throws IOException {
        if (data.isEmpty()) {
            return 0;
        }
        String event = data.toString().strip();
        data.setLength(0);
        if (event.equals("[DONE]")) {
            end(true);
            return 0;
        }
        JsonNode chunk;
        try {
            chunk = ChatRequest.JSON.readTree(event);
        } catch (JsonProcessingException e) {
            throw new IOException("the server at " + client.endpoint().chat() + " streamed an event for model '" + model
                    + "' that is not JSON (" + e.getOriginalMessage() + "): " + ApiException.abbreviate(event));
        }
        return chunk == null || !chunk.isObject() ? 0 : answer.add(chunk);
    }

    /** The stream ended: with {@code [DONE]}, or by closing, which is an answer only after a finish reason. */
    private void end(boolean doneSeen) throws IOException {
        if (!doneSeen && !answer.finishReasonSeen()) {
            throw new IOException("the server at " + client.endpoint().chat() + " closed its stream for model '" + model
                    + "' before the answer finished (" + answer.parts() + " parts came); the server's log may say why"
                    + (answer.parts() == 0 ? ". If it does not stream, set stream = false in "
                    + client.endpoint().configuration() : ""));
        }
        done = true;
        result = answer.result();
        body.close();
    }

    private static String value(String line, int from) {
        String v = line.substring(from);
        return v.startsWith(" ") ? v.substring(1) : v;
    }

    private static String error(String text) {
        try {
            JsonNode json = ChatRequest.JSON.readTree(text);
            return json != null && json.has("error") ? ApiException.errorMessage(json.get("error"))
                    : json != null && json.isObject() ? ApiException.errorMessage(json) : ApiException.abbreviate(text);
        } catch (JsonProcessingException e) {
            return ApiException.abbreviate(text);
        }
    }

    @Override
    public boolean finished() {
        return done;
    }

    @Override
    public int tokens() {
        return answer.parts();
    }

    @Override
    public LlmResult result() {
        return result != null ? result : answer.partial();
    }

    @Override
    public byte[] snapshot() {
        throw new UnsupportedOperationException("a generation of the OpenAI-compatible backend (model '" + model
                + "') is an open HTTP stream, which cannot be saved; it is saved as its query and runs again from the "
                + "start when restored");
    }

    @Override
    public void close() {
        done = true;
        body.close();
    }
}
