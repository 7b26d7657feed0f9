package aios.kernel.api.syscall;

import java.util.List;

/** The outcomes of a {@link ToolQuery}, one per call, in order. */
public record ToolResult(List<Outcome> outcomes) implements SyscallResult {

    public ToolResult {
        outcomes = List.copyOf(outcomes);
    }

    /**
     * One call's outcome: either {@code output} (JSON or text) or {@code error}.
     */
    public record Outcome(String callId, String tool, boolean ok, String output, String error) {
    }
}
