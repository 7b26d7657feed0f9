package aios.kernel.api.syscall;

import java.util.List;

/** The outcomes of a {@link ToolQuery}, one per call, in order. */
public record ToolResult(List<Outcome> outcomes) implements SyscallResult {

    public ToolResult {
        outcomes = List.copyOf(outcomes);
    }

    /**
     * The outcomes as {@link Role#TOOL} messages answering the calls, to continue a conversation with the model that
     * asked for them: the output, or {@code error: } and the error.
     *
     * @since 1.3
     */
    public List<Message> messages() {
        return outcomes.stream().map(o -> Message.tool(o.callId(), o.ok() ? o.output() : "error: " + o.error())).toList();
    }

    /**
     * One call's outcome: either {@code output} (JSON or text) or {@code error}.
     */
    public record Outcome(String callId, String tool, boolean ok, String output, String error) {

        /** A successful call's outcome. */
        public static Outcome success(String callId, String tool, String output) {
            return new Outcome(callId, tool, true, output, null);
        }

        /** A failed call's outcome; {@code error} says what was wrong and what to do. */
        public static Outcome failure(String callId, String tool, String error) {
            return new Outcome(callId, tool, false, null, error);
        }
    }
}
