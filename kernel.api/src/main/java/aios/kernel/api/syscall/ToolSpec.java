package aios.kernel.api.syscall;

/**
 * A tool offered to a model in an {@link LlmQuery}.
 *
 * @param name the tool's name
 * @param description what it does, for the model
 * @param parameters the JSON Schema of its arguments, as text
 */
public record ToolSpec(String name, String description, String parameters) {

    public ToolSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool offered to a model needs a name");
        }
        description = description == null ? "" : description;
        parameters = parameters == null || parameters.isBlank() ? "{\"type\":\"object\"}" : parameters;
    }
}
