package aios.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The server answered a request with an HTTP error status. The message has the status, the server's own error message
 * ({@code {"error": {"message": …, "code": …}}} as OpenAI writes it, or the body's text) and what to do about it.
 */
final class ApiException extends IOException {

    private static final long serialVersionUID = 1L;
    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status. */
    int status() {
        return status;
    }

    /**
     * The exception for an error answer.
     *
     * @param body the answer's body (its first bytes, when it was long)
     * @param model the model asked for, or {@code null} for a request not about one
     */
    static ApiException of(int status, byte[] body, URI url, String model, Endpoint endpoint) {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        String said;
        try {
            JsonNode json = ChatRequest.JSON.readTree(text);
            said = json != null && json.has("error") ? errorMessage(json.get("error"))
                    : json != null && json.path("message").isTextual() ? json.path("message").asText() : abbreviate(text);
        } catch (IOException e) {
            said = abbreviate(text); // not JSON: a proxy's page, say
        }
        String what = model == null ? url.toString() : url + " for model '" + model + "'";
        return new ApiException(status, "the server refused " + what + ": HTTP " + status
                + (said.isEmpty() ? "" : ": " + said) + " — " + advice(status, endpoint));
    }

    private static String advice(int status, Endpoint e) {
        return switch (status) {
            case 401 -> e.keyAdvice();
            case 403 -> "the key has no access to this model or API: " + e.keyAdvice();
            case 404 -> "check base.url of " + e.configuration() + " (the URL that /chat/completions follows, such as "
                    + "http://127.0.0.1:8080/v1) and the model's name (models of " + e.configuration()
                    + "; the server's GET " + e.modelList() + " lists its own)";
            case 408, 504 -> "the server gave up waiting: retry, or ask for fewer tokens";
            case 413 -> "the request is too large for the server: shorten the conversation";
            case 429 -> "rate limit or quota reached: wait and retry, or check the account's limits";
            default -> status >= 500 ? "the server failed: its log says why; retrying may help"
                    : "the server did not accept the request; its message says what to change";
        };
    }

    /** The message of an API error object ({@code {"message", "type", "code"}}), or the error as text. */
    static String errorMessage(JsonNode error) {
        if (error == null || error.isNull()) {
            return "(no message)";
        }
        if (error.isTextual()) {
            return error.asText();
        }
        String message = error.path("message").asText("").strip();
        JsonNode code = error.path("code");
        String c = code.isTextual() || code.isNumber() ? code.asText() : error.path("type").asText("");
        if (message.isEmpty()) {
            return abbreviate(error.toString());
        }
        return c.isEmpty() ? message : message + " (" + c + ")";
    }

    /** A text cut to 300 characters, on one line. */
    static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 300 ? line : line.substring(0, 300) + "…";
    }
}
