package aios.kernel.api.tool;

import aios.kernel.api.syscall.ToolSpec;
import java.time.Duration;

/**
 * What the tool manager knows of an installed tool: the facts of its {@link ToolService}, read once when the tool
 * appeared.
 *
 * @param name the name agents call it by, unique among the installed tools
 * @param description what it does, for people and models
 * @param parameters the JSON Schema of its arguments, as text (a schema of a JSON object)
 * @param reversible whether its effect can be undone
 * @param parallelism the most calls of it that run at once, at least 1
 * @param timeout how long one call may run, positive
 */
public record ToolDescriptor(String name, String description, String parameters, boolean reversible,
                             int parallelism, Duration timeout) {

    public ToolDescriptor {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a tool needs a name");
        }
        description = description == null ? "" : description;
        if (parameters == null || parameters.isBlank()) {
            throw new IllegalArgumentException("tool '" + name + "' has no parameter schema: return a JSON Schema of"
                    + " an object from ToolService.parameters(), such as {\"type\":\"object\"}");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("tool '" + name + "' declares parallelism " + parallelism
                    + ": it must be at least 1");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("tool '" + name + "' declares timeout " + timeout
                    + ": it must be a positive duration");
        }
    }

    /** The tool as offered to a model in an {@link aios.kernel.api.syscall.LlmQuery}. */
    public ToolSpec spec() {
        return new ToolSpec(name, description, parameters);
    }
}
