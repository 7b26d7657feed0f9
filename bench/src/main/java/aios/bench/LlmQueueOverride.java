package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.syscall.Resource;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Gives the kernel's LLM queue a set number of workers through the kernel's configuration (PID {@value #PID}),
 * until closed; closing puts the configuration back as it was (the policy and parameters the replay switched to
 * included).
 */
final class LlmQueueOverride implements AutoCloseable {

    static final String PID = "aios.kernel";
    private static final String WORKERS = "llm.workers";
    /** How long the kernel may take to apply a configuration (Configuration Admin delivers it asynchronously). */
    private static final long APPLY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Kernel kernel;
    private final Configuration configuration;
    private final Dictionary<String, Object> previous;
    private final int previousWorkers;

    private LlmQueueOverride(Kernel kernel, Configuration configuration, Dictionary<String, Object> previous,
                             int previousWorkers) {
        this.kernel = kernel;
        this.configuration = configuration;
        this.previous = previous;
        this.previousWorkers = previousWorkers;
    }

    /**
     * Sets the LLM queue's worker count and waits until the kernel runs that many.
     *
     * @throws IllegalStateException if the kernel has not applied it within 10 s
     */
    static LlmQueueOverride apply(ConfigurationAdmin ca, Kernel kernel, int workers)
            throws IOException, InterruptedException {
        Configuration c = ca.getConfiguration(PID, null);
        Dictionary<String, Object> previous = c.getProperties();
        Hashtable<String, Object> next = new Hashtable<>();
        if (previous != null) {
            for (var keys = previous.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                next.put(k, previous.get(k));
            }
        }
        next.put(WORKERS, workers);
        LlmQueueOverride override = new LlmQueueOverride(kernel, c, previous, llm(kernel).workers());
        c.update(next);
        override.awaitWorkers(workers);
        return override;
    }

    /** Puts the configuration back and waits until the LLM queue has its previous worker count again. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (previous == null) {
            configuration.delete();
        } else {
            configuration.update(previous);
        }
        awaitWorkers(previousWorkers);
    }

    private void awaitWorkers(int workers) throws InterruptedException {
        long deadline = System.nanoTime() + APPLY_NANOS;
        // Configuration Admin tells the kernel on its own thread, and the kernel offers no notice of it: poll
        while (llm(kernel).workers() != workers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the kernel's LLM queue has " + llm(kernel).workers() + " workers, "
                        + workers + " were configured (" + PID + " " + WORKERS + ") 10 s ago");
            }
            Thread.sleep(5);
        }
    }

    static QueueInfo llm(Kernel kernel) {
        return kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
    }
}
