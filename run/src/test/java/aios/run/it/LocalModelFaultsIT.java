package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The shipped local engine configured with a model file that is missing, then truncated: the backend stays
 * registered, each LLM syscall fails at once with an error naming the file and what to do, the kernel goes on
 * serving, and the good file put in its place is served without a restart.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LocalModelFaultsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    /** The test model: in the directories of AIOS_MODELS, else in ../shared/models beside the project root. */
    private static Path model() {
        String env = System.getenv("AIOS_MODELS");
        String dirs = env != null && !env.isBlank() ? env
                : Path.of("").toAbsolutePath().getParent().resolve("../shared/models").normalize().toString();
        for (String dir : dirs.split(File.pathSeparator)) {
            Path p = Path.of(dir).resolve("stories260K.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        fail("the test model stories260K.gguf is not in " + dirs + " — put it there, or set AIOS_MODELS");
        return null;
    }

    @Test
    public void aMissingThenTruncatedModelFailsEachSyscallNamingTheFile_andTheGoodFileIsServedInItsPlace()
            throws Exception {
        BundleContext context = FrameworkUtil.getBundle(LocalModelFaultsIT.class).getBundleContext();
        Path file = Files.createTempDirectory(Path.of(context.getProperty("aios.data")), "models-")
                .resolve("llama-7b.gguf");
        ServiceReference<ConfigurationAdmin> ca = context.getServiceReference(ConfigurationAdmin.class);
        Hashtable<String, Object> engine = new Hashtable<>();
        engine.put("model", file.toString());
        context.getService(ca).getConfiguration("aios.llm.local", "?").update(engine);
        context.ungetService(ca);
        // the backend comes up on the configuration: its service carries the configured path
        String filter = "(&(aios.llm.name=local)(model=" + file + "))";
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (context.getServiceReferences(LlmBackend.class, filter).isEmpty()) {
            assertTrue("the local backend was not registered with model " + file, System.nanoTime() < deadline);
            Thread.sleep(20);
        }

        ServiceReference<Kernel> reference = context.getServiceReference(Kernel.class);
        Kernel kernel = context.getService(reference);
        try {
            kernel.register("alice");
            LlmQuery q = LlmQuery.chat("alice", "Once upon a time").withSampling(new Sampling(20, 0, 1, null));

            String missing = failure(kernel.submit(q));
            assertTrue(missing, missing.contains("the model file " + file + " configured as model in aios.llm.local "
                    + "does not exist: put the .gguf file there"));

            byte[] good = Files.readAllBytes(model());
            Files.write(file, Arrays.copyOf(good, good.length / 2));
            String truncated = failure(kernel.submit(q));
            assertTrue(truncated, truncated.contains(file + " is truncated or corrupt"));

            Files.copy(model(), file, StandardCopyOption.REPLACE_EXISTING);
            LlmResult r = (LlmResult) kernel.submit(q).result().toCompletableFuture()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(r.text(), r.text().startsWith(", there was a little girl named Lily."));
            assertEquals("llama-7b", r.model());

            QueueInfo llm = kernel.queues().stream().filter(i -> i.resource() == Resource.LLM).findFirst().orElseThrow();
            assertEquals(2, llm.failed());
            assertEquals(1, llm.completed());
        } finally {
            context.ungetService(reference);
        }
    }

    /** The error a syscall failed with. */
    private static String failure(SyscallHandle h) throws Exception {
        try {
            Object r = h.result().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            fail("the syscall should have failed, but answered " + r);
            return null;
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }
}
