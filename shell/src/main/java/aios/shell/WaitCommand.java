package aios.shell;

import java.util.List;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Function;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code aios:wait [--timeout SECONDS] ID}: prints the result of a syscall submitted with {@code aios:submit}. A
 * {@link Function} rather than a method, because Gogo would take a method named {@code wait} for
 * {@link Object#wait(long)}.
 */
@Component(service = Function.class, property = {"osgi.command.scope=aios", "osgi.command.function=wait"})
public final class WaitCommand implements Function {

    private static final String USAGE = "usage: aios:wait [--timeout SECONDS] ID — ID as aios:submit or ctx:restore printed it";

    @Reference
    private SyscallCommands syscalls;

    @Override
    public Object execute(CommandSession session, List<Object> arguments) throws Exception {
        int timeout = 300;
        Long id = null;
        for (int i = 0; i < arguments.size(); i++) {
            String a = String.valueOf(arguments.get(i));
            if (a.equals("--timeout") && i + 1 < arguments.size()) {
                timeout = number(arguments.get(++i), "--timeout").intValue();
            } else if (id == null) {
                id = number(arguments.get(i), "ID");
            } else {
                throw new IllegalArgumentException("unexpected argument '" + a + "'; " + USAGE);
            }
        }
        if (id == null) {
            throw new IllegalArgumentException(USAGE);
        }
        return syscalls.await(id, timeout);
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
