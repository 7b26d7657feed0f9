package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;

/**
 * The assembled kernel pins a queue's workers to the CPUs its configuration names, with the thread-affinity
 * bundles of the assembly, as Linux reports it for the thread that ran a syscall; a configuration that pins virtual
 * threads is refused, logged, and leaves the queue as it was.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CpuPinningIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    /** Answers with the path of the worker thread that ran the syscall under /proc: {@code PID/task/TID}. */
    static final class ThreadBackend implements LlmBackend {
        @Override
        public List<String> models() {
            return List.of("thread");
        }

        @Override
        public LlmResult complete(LlmQuery query) throws IOException {
            String thread = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            return new LlmResult(thread, List.of(), "stop", 1, 1, "thread");
        }
    }

    @Test
    public void theLlmWorkersRunOnTheConfiguredCpus_andARefusedChangeKeepsThem() throws Exception {
        assumeTrue("pinning is verified through /proc/thread-self, which only Linux has",
                Files.exists(Path.of("/proc/thread-self")));
        BundleContext context = FrameworkUtil.getBundle(CpuPinningIT.class).getBundleContext();
        ServiceReference<Kernel> reference = context.getServiceReference(Kernel.class);
        Kernel kernel = context.getService(reference);
        ServiceRegistration<LlmBackend> backend = context.registerService(LlmBackend.class, new ThreadBackend(),
                props(LlmBackend.NAME, "thread"));
        ServiceReference<ConfigurationAdmin> caReference = context.getServiceReference(ConfigurationAdmin.class);
        ServiceReference<LogReaderService> logReference = context.getServiceReference(LogReaderService.class);
        LogReaderService logs = context.getService(logReference);
        List<LogEntry> errors = new CopyOnWriteArrayList<>();
        LogListener listener = entry -> {
            if (entry.getException() != null) {
                errors.add(entry);
            }
        };
        logs.addLogListener(listener);
        try {
            org.osgi.service.cm.Configuration configuration =
                    context.getService(caReference).getConfiguration("aios.kernel", null);
            Hashtable<String, Object> settings = new Hashtable<>();
            settings.put("llm.cpus", "0");
            configuration.update(settings);
            await("the llm queue pinned to CPU 0", () -> "0".equals(llm(kernel).cpus()));
            assertNull("pinning failed: " + llm(kernel).cpuBindingFailure(), llm(kernel).cpuBindingFailure());

            kernel.register("pinned");
            for (String thread : workerThreads(kernel, llm(kernel).workers())) {
                assertEquals("Cpus_allowed_list of worker " + thread, "0",
                        allowedCpus(Path.of("/proc").resolve(thread).resolve("status")));
            }

            Object kernelId = reference.getProperty(Constants.SERVICE_ID);
            settings.put("llm.threads", "virtual");
            configuration.update(settings);
            await("the refusal logged", () -> errors.stream().anyMatch(e -> String.valueOf(e.getException())
                    .contains("llm.threads=virtual cannot be combined with llm.cpus=0")));
            QueueInfo after = llm(kernel);
            assertEquals("platform", after.threads());
            assertEquals("0", after.cpus());
            assertEquals("the same kernel, not restarted", kernelId,
                    context.getServiceReference(Kernel.class).getProperty(Constants.SERVICE_ID));
            for (String thread : workerThreads(kernel, after.workers())) {
                assertEquals("Cpus_allowed_list of worker " + thread, "0",
                        allowedCpus(Path.of("/proc").resolve(thread).resolve("status")));
            }
        } finally {
            logs.removeLogListener(listener);
            context.ungetService(logReference);
            context.ungetService(caReference);
            backend.unregister();
            context.ungetService(reference);
        }
    }

    /** Runs syscalls until each of the llm queue's workers has run one; their {@code PID/task/TID} paths. */
    private static Set<String> workerThreads(Kernel kernel, int workers) throws Exception {
        Set<String> threads = new TreeSet<>();
        for (int round = 0; round < 200 && threads.size() < workers; round++) {
            List<SyscallHandle> handles = new ArrayList<>();
            for (int i = 0; i < 4 * workers; i++) {
                handles.add(kernel.submit(new LlmQuery("pinned", List.of(Message.user("which thread?")), List.of(),
                        LlmAction.CHAT, Sampling.DEFAULT, "thread", Scheduling.DEFAULT)));
            }
            for (SyscallHandle h : handles) {
                threads.add(((LlmResult) h.result().toCompletableFuture().get(10, TimeUnit.SECONDS)).text());
            }
        }
        assertEquals("the workers that ran syscalls: " + threads, workers, threads.size());
        return threads;
    }

    private static String allowedCpus(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(status + " has no Cpus_allowed_list line");
    }

    private static QueueInfo llm(Kernel kernel) {
        return kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
    }

    private static Dictionary<String, Object> props(String key, Object value) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(key, value);
        return p;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(what + ": not within " + TIMEOUT.toSeconds() + " s", System.nanoTime() < deadline);
            Thread.sleep(20);
        }
    }
}
