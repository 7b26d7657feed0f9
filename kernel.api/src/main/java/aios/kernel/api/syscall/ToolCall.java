package aios.kernel.api.syscall;

/**
 * One call of a tool.
 *
 * @param id an id the caller chooses to match results to calls (may be {@code null}; the kernel then uses the index)
 * @param name the tool's name
 * @param arguments the arguments as a JSON object text, checked against the tool's parameter schema
 */
public record ToolCall(String id, String name, String arguments) {

    public ToolCall {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool call needs the name of the tool");
        }
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }
}
