package aios.run.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.osgi.framework.BundleContext;

/** Runs a Gogo command in the framework under test, as a user types it, with nothing to read on stdin. */
final class GogoShell {

    private GogoShell() {
    }

    /** The command's value as text; what it prints is discarded. Throws what the command throws. */
    static String execute(BundleContext context, String command) throws Exception {
        CommandProcessor processor = context.getService(context.getServiceReference(CommandProcessor.class));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            return String.valueOf(session.execute(command));
        } finally {
            session.close();
        }
    }
}
