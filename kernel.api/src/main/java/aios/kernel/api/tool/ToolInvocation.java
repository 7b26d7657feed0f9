package aios.kernel.api.tool;

/**
 * One call of a tool.
 *
 * @param agent the calling agent: a tool acting on an agent's data acts on this agent's, whatever the arguments say
 * @param callId the call's id within its query
 * @param arguments the arguments, a JSON object text already checked against {@link ToolService#parameters()}
 */
public record ToolInvocation(String agent, String callId, String arguments) {
}
