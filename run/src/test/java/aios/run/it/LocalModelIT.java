package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import aios.kernel.api.Kernel;
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
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The shipped local model engine answers LLM syscalls through the kernel, and two generations that round robin
 * preempts in turns of 5 tokens on one worker each end with exactly the text of an uninterrupted run.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LocalModelIT {

    private static final String MODEL = "stories260K";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    /** The test model: in the directories of AIOS_MODELS, else in ../shared/models beside the project root. */
    static Path model() {
        String env = System.getenv("AIOS_MODELS");
        String dirs = env != null && !env.isBlank() ? env
                : Path.of("").toAbsolutePath().getParent().resolve("../shared/models").normalize().toString();
        for (String dir : dirs.split(File.pathSeparator)) {
            Path p = Path.of(dir).resolve(MODEL + ".gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        fail("the test model " + MODEL + ".gguf is not in " + dirs + " — put it there, or set AIOS_MODELS");
        return null;
    }

    @Test
    public void preemptedGenerationsEndWithTheTextOfUninterruptedOnes() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(LocalModelIT.class).getBundleContext();
        LlmBackend backend = oneWorkerOnTheTestModel(context);
        ServiceReference<Kernel> reference = context.getServiceReference(Kernel.class);
        Kernel kernel = context.getService(reference);
        kernel.switchPolicy(Resource.LLM, "rr", Map.of("slice.tokens", "5"));

        List<Event> preempted = new CopyOnWriteArrayList<>();
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, preempted::add,
                props(EventConstants.EVENT_TOPIC, KernelEvents.PREEMPTED));
        try {
            LlmQuery greedy = query("alice", "Once upon a time", new Sampling(60, 0, 1, null));
            LlmQuery sampled = query("bob", "Tom had a dog", new Sampling(60, 0.9, 0.95, 11L));
            LlmResult greedyAlone = backend.complete(greedy);
            LlmResult sampledAlone = backend.complete(sampled);
            assertTrue(greedyAlone.text(), greedyAlone.text().startsWith(", there was a little girl named Lily."));

            kernel.register("alice");
            kernel.register("bob");
            SyscallHandle a = kernel.submit(greedy);
            SyscallHandle b = kernel.submit(sampled);
            assertEquals(greedyAlone, a.result().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertEquals(sampledAlone, b.result().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            assertTrue("the generations took turns", preempted.size() >= 2);
        } finally {
            handler.unregister();
            context.ungetService(reference);
        }
    }

    @Test
    public void theEngineGetsTheVectorApiFromTheFramework() {
        // the test JVM runs with --add-modules=jdk.incubator.vector (failsafe's argLine), as ./aios runs the kernel
        BundleContext context = FrameworkUtil.getBundle(LocalModelIT.class).getBundleContext();
        Bundle engine = Arrays.stream(context.getBundles())
                .filter(b -> "aios.llm.local".equals(b.getSymbolicName())).findFirst().orElseThrow();
        List<BundleWire> wires = engine.adapt(BundleWiring.class).getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE);
        assertTrue("llm.local's package wires: " + wires, wires.stream().anyMatch(w ->
                "jdk.incubator.vector".equals(w.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))
                        && w.getProvider().getBundle().getBundleId() == 0));
    }

    /**
     * Configures the local engine to serve the test model and the LLM queue to run one worker, and waits until
     * both are in effect.
     *
     * @return the engine, as configured (DS passes its configuration on as service properties)
     */
    static LlmBackend oneWorkerOnTheTestModel(BundleContext context) throws Exception {
        ServiceReference<ConfigurationAdmin> ca = context.getServiceReference(ConfigurationAdmin.class);
        Hashtable<String, Object> engine = new Hashtable<>();
        engine.put("model", model().toString());
        context.getService(ca).getConfiguration("aios.llm.local", "?").update(engine);
        Hashtable<String, Object> oneWorker = new Hashtable<>();
        oneWorker.put("llm.workers", 1);
        context.getService(ca).getConfiguration("aios.kernel", "?").update(oneWorker);
        context.ungetService(ca);
        String filter = "(&(aios.llm.name=local)(model=" + model().toString().replaceAll("([\\\\()*])", "\\\\$1")
                + "))";
        LlmBackend backend = await("the local backend serving " + MODEL, () -> {
            for (ServiceReference<LlmBackend> r : context.getServiceReferences(LlmBackend.class, filter)) {
                LlmBackend b = context.getService(r);
                if (b != null && b.models().equals(List.of(MODEL))) {
                    return b;
                }
            }
            return null;
        });
        Kernel kernel = context.getService(context.getServiceReference(Kernel.class));
        await("one llm worker", () -> kernel.queues().stream()
                .anyMatch(q -> q.resource() == Resource.LLM && q.workers() == 1) ? true : null);
        return backend;
    }

    private static LlmQuery query(String agent, String prompt, Sampling sampling) {
        return new LlmQuery(agent, List.of(Message.user(prompt)), List.of(), LlmAction.CHAT, sampling, MODEL,
                Scheduling.DEFAULT);
    }

    static Dictionary<String, Object> props(String key, Object value) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(key, value);
        return p;
    }

    interface Probe<T> {
        T get() throws Exception;
    }

    /** Waits for what ConfigAdmin and DS do in the background. */
    static <T> T await(String what, Probe<T> probe) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (T value = probe.get(); ; value = probe.get()) {
            if (value != null) {
                return value;
            }
            assertTrue(what + ": not within " + TIMEOUT.toSeconds() + " s", System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }
}
