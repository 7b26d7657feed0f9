package aios.run;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Callable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * Runs beside the framework in the bnd launcher of {@code aios.jar} (named by this jar's
 * {@code Embedded-Activator} header; the jar is on {@code -runpath}, it is not a bundle of the kernel).
 *
 * <ul>
 *   <li>When the JVM is asked to exit (SIGTERM, Ctrl-C), the framework is stopped first, so components
 *       deactivate and persist their state instead of vanishing mid-write.</li>
 *   <li>When the framework property {@value #SCRIPT} is set, {@link ScriptRunner} runs that Gogo script once
 *       every bundle has started. It is registered as the launcher's {@code main.thread} service: the launcher
 *       calls it, stops the framework, and exits the JVM with the status it returns.</li>
 * </ul>
 */
public final class LaunchExtension implements BundleActivator {

    /** Framework property: a Gogo script to run instead of serving; the JVM exits with its status. */
    public static final String SCRIPT = "aios.script";

    /** How long the framework may take to stop when the JVM is asked to exit. */
    private static final long STOP_TIMEOUT_MILLIS = 30_000;

    @Override
    public void start(BundleContext context) {
        Bundle framework = context.getBundle(0);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(framework), "aios: stop the framework on exit"));

        String script = context.getProperty(SCRIPT);
        if (script != null && !script.isBlank()) {
            Dictionary<String, Object> properties = new Hashtable<>();
            properties.put("main.thread", "true");
            context.registerService(Callable.class, new ScriptRunner(context, script), properties);
        }
    }

    @Override
    public void stop(BundleContext context) {
        // Nothing to undo: the shutdown hook checks whether the framework still runs.
    }

    private static void stop(Bundle framework) {
        if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
            return; // stopped already (script finished, or `exit` in the shell)
        }
        try {
            framework.stop();
            if (framework instanceof Framework f) {
                f.waitForStop(STOP_TIMEOUT_MILLIS);
            }
        } catch (BundleException e) {
            System.err.println("aios: could not stop the framework cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
