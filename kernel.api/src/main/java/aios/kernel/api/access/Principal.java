package aios.kernel.api.access;

/**
 * Who an API token speaks for: the operator (everything, including the {@code acl:} operations), or one agent
 * (syscalls as that agent, under its grants).
 *
 * @param operator whether it is the operator
 * @param agent the agent's name; {@code null} for the operator
 * @since 1.1
 */
public record Principal(boolean operator, String agent) {

    public Principal {
        if (operator == (agent != null)) {
            throw new IllegalArgumentException(operator ? "the operator is no agent: give no agent name"
                    : "a principal is the operator or an agent: give the agent's name");
        }
    }

    public static Principal ofOperator() {
        return new Principal(true, null);
    }

    public static Principal ofAgent(String agent) {
        return new Principal(false, agent);
    }

    /** {@code operator}, or {@code agent NAME}. */
    @Override
    public String toString() {
        return operator ? "operator" : "agent " + agent;
    }
}
