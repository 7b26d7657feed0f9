package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.syscall.Resource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * A third-party policy bundle (aios.scheduler.lifo, not in the assembly) dropped into the watched folder while
 * the kernel runs: it becomes available, a queue switches to it, removing the jar sends the queue back to FIFO
 * (keeping the configured choice), and dropping it again restores it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyDropInIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    @Test
    public void aDroppedInPolicyServesAQueueUntilItsJarIsRemoved() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(PolicyDropInIT.class).getBundleContext();
        ServiceReference<Kernel> reference = context.getServiceReference(Kernel.class);
        Kernel kernel = context.getService(reference);
        try {
            assertFalse(kernel.policies().toString(), kernel.policies().containsKey("lifo"));
            Path jar = KernelOptions.dropDir(context).resolve("aios.scheduler.lifo.jar");

            drop(KernelOptions.jarOnClasspath("aios.scheduler.lifo"), jar);
            await("lifo installed", () -> kernel.policies().containsKey("lifo"));
            QueueInfo switched = kernel.switchPolicy(Resource.LLM, "lifo");
            assertEquals("lifo", switched.policy());

            Files.delete(jar);
            // a FIFO takes over: the fifo bundle's or the kernel's built-in one
            await("llm back on a FIFO", () -> llm(kernel).policy().contains("fifo"));
            assertEquals("the configured policy stays", "lifo", llm(kernel).configuredPolicy());

            drop(KernelOptions.jarOnClasspath("aios.scheduler.lifo"), jar);
            await("llm on lifo again", () -> "lifo".equals(llm(kernel).policy()));
        } finally {
            context.ungetService(reference);
        }
    }

    private static QueueInfo llm(Kernel kernel) {
        return kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
    }

    /** Copies beside the folder and moves in, so FileInstall never sees half a jar. */
    private static void drop(Path source, Path target) throws Exception {
        Path partial = target.getParent().resolveSibling(target.getFileName() + ".partial");
        Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits for what FileInstall (polling every 200 ms) and the kernel do in the background. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(what + ": not within " + TIMEOUT.toSeconds() + " s", System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }
}
