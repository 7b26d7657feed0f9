package aios.shell;

import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code aios:wait [--timeout SECONDS] [--follow] ID}: prints the result of a syscall submitted with {@code aios:submit} (ID a
 * number), or of an agent process started with {@code aios:run} (ID {@code p} and a number). One command for both, as
 * a user waits for either the same way; the {@code p} keeps the two kinds of id apart. A {@link Function} rather than
 * a method, because Gogo would take a method named {@code wait} for {@link Object#wait(long)}.
 */
@Component(service = Function.class, property = {"osgi.command.scope=aios", "osgi.command.function=wait"})
public final class WaitCommand implements Function {

    static final String USAGE = "usage: aios:wait [--timeout SECONDS] [--follow] ID — a syscall id as aios:submit or"
            + " ctx:restore printed it (3), or an agent process id as aios:run printed it (p3); --follow prints an LLM"
            + " syscall's text as it is generated";

    @Reference
    private SyscallCommands syscalls;
    @Reference
    private AgentCommands agents;

    @Override
    public Object execute(CommandSession session, List<Object> arguments) throws Exception {
        int timeout = 300;
        boolean follow = false;
        Object id = null;
        for (int i = 0; i < arguments.size(); i++) {
            String a = String.valueOf(arguments.get(i));
            if (a.equals("--timeout") && i + 1 < arguments.size()) {
                timeout = number(arguments.get(++i), "--timeout").intValue();
            } else if (a.equals("--follow")) {
                follow = true;
            } else if (id == null) {
                id = arguments.get(i);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + a + "'; " + USAGE);
            }
        }
        if (id == null) {
            throw new IllegalArgumentException(USAGE);
        }
        if (AgentCommands.isProcessId(id)) {
            return agents.await(AgentCommands.processId((String) id), timeout);
        }
        return follow ? syscalls.awaitFollowing(number(id, "ID"), timeout, session.getConsole())
                : syscalls.await(number(id, "ID"), timeout);
    }

    private static Long number(Object value, String what) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a number; " + USAGE);
        }
    }
}
