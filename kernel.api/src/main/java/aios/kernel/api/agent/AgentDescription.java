package aios.kernel.api.agent;

/**
 * An agent that is installed and can be started.
 *
 * @param name the name it is started by, which is also the kernel agent its processes act as
 * @param description what it does, for people
 */
public record AgentDescription(String name, String description) {

    public AgentDescription {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an agent needs a name");
        }
        description = description == null ? "" : description;
    }
}
