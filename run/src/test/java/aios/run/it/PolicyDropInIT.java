package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * A third-party policy bundle (aios.scheduler.lifo, not in the assembly) dropped into the watched folder while
 * the kernel runs: it becomes available, a queue switches to it, removing the jar while syscalls wait sends the
 * queue back to FIFO (keeping the configured choice) with every waiting syscall run exactly once, and dropping it
 * again restores it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PolicyDropInIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    /** A model backend whose calls wait for a permit, so the test decides when syscalls finish. */
    static final class GatedBackend implements LlmBackend {
        final Semaphore permits = new Semaphore(0);
        final Semaphore entered = new Semaphore(0);
        /** Prompts in the order workers took them (the policy's order), and in the order they finished. */
        final List<String> started = new CopyOnWriteArrayList<>();
        final List<String> order = new CopyOnWriteArrayList<>();

        @Override
        public List<String> models() {
            return List.of("gated");
        }

        @Override
        public LlmResult complete(LlmQuery query) throws InterruptedException {
            String prompt = query.messages().get(0).content();
            started.add(prompt);
            entered.release();
            permits.acquire();
            order.add(prompt);
            return new LlmResult(prompt, List.of(), "stop", 1, 1, "gated");
        }
    }

    @Test
    public void aDroppedInPolicyServesAQueueUntilItsJarIsRemoved_andNoWaitingSyscallIsLost() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(PolicyDropInIT.class).getBundleContext();
        ServiceReference<Kernel> reference = context.getServiceReference(Kernel.class);
        Kernel kernel = context.getService(reference);
        GatedBackend backend = new GatedBackend();
        ServiceRegistration<LlmBackend> backendRegistration =
                context.registerService(LlmBackend.class, backend, props(LlmBackend.NAME, "gated"));
        List<Event> fallbacks = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, fallbacks::add,
                props(EventConstants.EVENT_TOPIC, KernelEvents.POLICY_FALLBACK));
        try {
            assertFalse(kernel.policies().toString(), kernel.policies().containsKey("lifo"));
            Path jar = KernelOptions.dropDir(context).resolve("aios.scheduler.lifo.jar");

            drop(KernelOptions.jarOnClasspath("aios.scheduler.lifo"), jar);
            await("lifo installed", () -> kernel.policies().containsKey("lifo"));
            QueueInfo switched = kernel.switchPolicy(Resource.LLM, "lifo");
            assertEquals("lifo", switched.policy());

            // one worker, so that the order in which the backend is entered is the order the policy chose
            ServiceReference<ConfigurationAdmin> ca = context.getServiceReference(ConfigurationAdmin.class);
            Hashtable<String, Object> oneWorker = new Hashtable<>();
            oneWorker.put("llm.workers", 1);
            oneWorker.put("llm.policy", "lifo");
            context.getService(ca).getConfiguration("aios.kernel", "?").update(oneWorker);
            await("one llm worker", () -> llm(kernel).workers() == 1);
            context.ungetService(ca);

            kernel.register("dropin");
            int workers = llm(kernel).workers();
            List<SyscallHandle> handles = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                handles.add(kernel.submit(query("running-" + i)));
            }
            assertTrue("every worker busy", backend.entered.tryAcquire(workers, 10, TimeUnit.SECONDS));
            List<String> waiting = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waiting.add("waiting-" + i);
                handles.add(kernel.submit(query("waiting-" + i)));
            }
            assertEquals(20, llm(kernel).waiting());

            Files.delete(jar);
            // a FIFO takes over: the fifo bundle's or the kernel's built-in one
            await("llm back on a FIFO", () -> llm(kernel).policy().contains("fifo"));
            assertEquals("the configured policy stays", "lifo", llm(kernel).configuredPolicy());
            assertEquals("no waiting syscall lost in the switch", 20, llm(kernel).waiting());
            await("a POLICY_FALLBACK event", () -> !fallbacks.isEmpty());

            backend.permits.release(workers + 20);
            for (SyscallHandle h : handles) {
                h.result().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            assertEquals("every syscall ran exactly once", workers + 20, backend.order.size());
            assertEquals(workers + 20, backend.order.stream().distinct().count());
            // FIFO after the fallback; under the removed LIFO, waiting-19 would have come first
            assertEquals("after the fallback the waiting syscalls ran in arrival order", waiting,
                    backend.started.subList(workers, workers + 20));

            drop(KernelOptions.jarOnClasspath("aios.scheduler.lifo"), jar);
            await("llm on lifo again", () -> "lifo".equals(llm(kernel).policy()));
        } finally {
            handler.unregister();
            backendRegistration.unregister();
            context.ungetService(reference);
        }
    }

    private static LlmQuery query(String prompt) {
        return new LlmQuery("dropin", List.of(Message.user(prompt)), List.of(), LlmAction.CHAT, Sampling.DEFAULT,
                "gated", Scheduling.DEFAULT);
    }

    private static Dictionary<String, Object> props(String key, Object value) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(key, value);
        return p;
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
