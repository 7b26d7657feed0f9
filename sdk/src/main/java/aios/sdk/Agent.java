package aios.sdk;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An agent: register it as a service (a DS component in any bundle) and the agent runtime can start it as a process
 * ({@code aios:run NAME INPUT}, or {@link aios.kernel.api.agent.AgentRunner#start}).
 *
 * <pre>
 * &#64;Component(service = Agent.class)
 * public final class Greeter implements Agent {
 *     public String name() { return "greeter"; }
 *     public String description() { return "greets whoever the input names"; }
 *     public String run(AgentSession session, String input) {
 *         return session.planning().chat("Write a greeting for " + input);
 *     }
 * }
 * </pre>
 *
 * <p>{@link #name()} and {@link #description()} are read once, when the service appears.
 */
@ConsumerType
public interface Agent {

    /**
     * The name it is started by, which is also the kernel agent its processes act as (its files, notes, limits and
     * history are under this name): 1–64 characters from {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit.
     * When two agents have the same name, the higher-ranked service is started.
     */
    String name();

    /** What it does, in a sentence, for people choosing an agent to run. */
    String description();

    /**
     * Runs once per process, on a thread of its own; several processes of one agent may run at once, each with its own
     * session. The process is killed by interrupting this thread and cancelling its syscalls: a session call then
     * throws {@link AgentKilledException}; let it pass.
     *
     * @param session this process's way to the kernel: its syscalls act as {@link #name()}
     * @param input what the process was started with (may be empty, never {@code null})
     * @return the process's result, shown to whoever started it ({@code null} is the empty text)
     * @throws Exception the process then ends FAILED with the exception's message: make it one a person can act on
     */
    String run(AgentSession session, String input) throws Exception;
}
