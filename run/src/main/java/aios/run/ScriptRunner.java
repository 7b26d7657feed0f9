package aios.run;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs a Gogo script once the kernel has started and answers the exit status: {@value #OK} when every
 * statement ran, {@value #FAILED} at the first statement that throws (later ones are not run),
 * {@value #NOT_READY} when the framework or the Gogo runtime did not come up in time.
 *
 * <p>Unlike {@code gosh -c}, which neither prints values nor reports a failure (and, on a failure, leaves the
 * framework running), each statement's value is printed as the console would print it, and the error of a
 * failed statement goes to stderr.
 *
 * <p>This class lives on the launcher's class path, not in a bundle, so it reaches the Gogo API (which the
 * framework does not export to the class path) through the interfaces of the runtime's own class loader.
 */
final class ScriptRunner implements Callable<Integer> {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int NOT_READY = 3;

    private static final long READY_TIMEOUT_MILLIS = 60_000;
    private static final String COMMAND_PROCESSOR = "org.apache.felix.service.command.CommandProcessor";
    private static final String COMMAND_SESSION = "org.apache.felix.service.command.CommandSession";
    private static final int INSPECT = 0; // Converter.INSPECT: the console's format for a value
    private static final String PIPE_EXCEPTION = "pipe-exception"; // set by the runtime after each pipeline
    private static final String GOGO_SHELL = "org.apache.felix.gogo.shell";

    private final BundleContext context;
    private final String script;
    private final CountDownLatch started = new CountDownLatch(1);
    private final FrameworkListener startLevelListener = event -> {
        if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED && startLevel() >= highestStartLevel()) {
            started.countDown();
        }
    };
    // The real stdout/stderr: System.out is replaced by Gogo's per-thread stream once the runtime starts.
    private final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
    private final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);

    /**
     * Created by {@link LaunchExtension} after the launcher started the bundles of level 1 and before it raises the
     * start level, so the event that ends the climb cannot be missed. (The level alone does not tell: during a
     * climb Felix reports a level as reached while it still starts that level's bundles.)
     */
    ScriptRunner(BundleContext context, String script) {
        this.context = context;
        this.script = script;
        context.addFrameworkListener(startLevelListener);
        if (startLevel() >= highestStartLevel()) {
            started.countDown(); // no climb ahead: every bundle to start is at level 1, started already
        }
    }

    @Override
    public Integer call() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
        if (!awaitStartLevel(deadline)) {
            err.printf("aios: the framework did not reach its start level within %d s%n", READY_TIMEOUT_MILLIS / 1000);
            return NOT_READY;
        }
        ServiceTracker<Object, Object> tracker = new ServiceTracker<>(context, COMMAND_PROCESSOR, null);
        tracker.open();
        try {
            Object processor = tracker.waitForService(Math.max(1, remainingMillis(deadline)));
            if (processor == null) {
                err.printf("aios: the Gogo runtime (%s) did not start within %d s%n", COMMAND_PROCESSOR,
                        READY_TIMEOUT_MILLIS / 1000);
                return NOT_READY;
            }
            return run(new Session(tracker.getServiceReference(), processor));
        } finally {
            tracker.close();
        }
    }

    private int run(Session session) throws Exception {
        try {
            try {
                loadProfile(session);
            } catch (Exception e) {
                err.printf("aios: the Gogo profile failed, scripts lack its commands: %s%n", e);
            }
            List<String> statements = GogoStatements.split(script);
            for (int i = 0; i < statements.size(); i++) {
                String statement = statements.get(i);
                Object value;
                String failure = null;
                try {
                    session.put(PIPE_EXCEPTION, null);
                    value = session.execute(statement);
                    if (session.get(PIPE_EXCEPTION) instanceof Exception e) {
                        failure = "a command of the pipeline failed: " + suppressedMessages(e);
                    }
                } catch (Exception e) {
                    value = null;
                    failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                if (failure != null) {
                    err.printf("aios: %s: %s%n", statement, failure);
                    int skipped = statements.size() - i - 1;
                    if (skipped > 0) {
                        err.printf("aios: %d later statement%s not run%n", skipped, skipped == 1 ? "" : "s");
                    }
                    return FAILED;
                }
                if (value != null) {
                    String text = session.format(value);
                    out.print(text);
                    if (!text.endsWith("\n")) {
                        out.println();
                    }
                }
            }
            return OK;
        } finally {
            session.close();
        }
    }

    /**
     * Sources the Gogo console's profile, quietly, so that scripts have the commands a console has (for
     * instance {@code bundles} and {@code bundle}, which the profile adds from the bundle context).
     */
    private void loadProfile(Session session) throws Exception {
        for (Bundle bundle : context.getBundles()) {
            if (GOGO_SHELL.equals(bundle.getSymbolicName()) && bundle.getEntry("/gosh_profile") != null) {
                session.put(".gosh_quiet", Boolean.TRUE);
                session.execute("source '" + bundle.getEntry("/gosh_profile") + "'");
                return;
            }
        }
    }

    private static String suppressedMessages(Exception pipeException) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t : pipeException.getSuppressed()) {
            messages.append(messages.isEmpty() ? "" : "; ").append(t.getClass().getSimpleName()).append(": ")
                    .append(t.getMessage());
        }
        return messages.isEmpty() ? pipeException.getMessage() : messages.toString();
    }

    /** Waits until the framework has started every bundle marked to start, whatever its start level. */
    private boolean awaitStartLevel(long deadline) throws InterruptedException {
        try {
            return started.await(Math.max(0, remainingMillis(deadline)), TimeUnit.MILLISECONDS);
        } finally {
            context.removeFrameworkListener(startLevelListener);
        }
    }

    private int startLevel() {
        return context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel();
    }

    private int highestStartLevel() {
        int highest = 1;
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
            if (bundle.getBundleId() != 0 && level != null && level.isPersistentlyStarted()) {
                highest = Math.max(highest, level.getStartLevel());
            }
        }
        return highest;
    }

    private static long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    /** A Gogo CommandSession, reached through the interfaces loaded by the runtime bundle. */
    private final class Session {
        private final Object session;
        private final Method execute;
        private final Method format;
        private final Method close;
        private final Method get;
        private final Method put;

        Session(ServiceReference<Object> reference, Object processor) throws Exception {
            Bundle runtime = reference.getBundle();
            Class<?> processorType = runtime.loadClass(COMMAND_PROCESSOR);
            Class<?> sessionType = runtime.loadClass(COMMAND_SESSION);
            Method create = processorType.getMethod("createSession", InputStream.class, OutputStream.class,
                    OutputStream.class);
            this.session = create.invoke(processor, InputStream.nullInputStream(), out, err);
            this.execute = sessionType.getMethod("execute", CharSequence.class);
            this.format = sessionType.getMethod("format", Object.class, int.class);
            this.close = sessionType.getMethod("close");
            this.get = sessionType.getMethod("get", String.class);
            this.put = sessionType.getMethod("put", String.class, Object.class);
        }

        Object get(String name) throws Exception {
            return invoke(get, name);
        }

        void put(String name, Object value) throws Exception {
            invoke(put, name, value);
        }

        Object execute(String statement) throws Exception {
            return invoke(execute, statement);
        }

        String format(Object value) throws Exception {
            return String.valueOf(invoke(format, value, INSPECT));
        }

        void close() throws Exception {
            invoke(close);
        }

        private Object invoke(Method method, Object... args) throws Exception {
            try {
                return method.invoke(session, args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }
    }
}
