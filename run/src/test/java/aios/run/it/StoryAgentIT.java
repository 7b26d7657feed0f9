package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.agent.AgentRunner;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import java.util.List;
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

/**
 * The example agent {@code story} on the real local model, started from the shell as a user would: it continues the
 * beginning, saves the story in its storage, and aios:wait prints it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StoryAgentIT {

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    @Test
    public void theStoryAgentContinuesTheBeginningOnTheLocalModel_andSavesTheStory() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(StoryAgentIT.class).getBundleContext();
        LocalModelIT.oneWorkerOnTheTestModel(context);
        Kernel kernel = context.getService(context.getServiceReference(Kernel.class));
        AgentRunner runner = await("the agent runtime", () -> {
            var ref = context.getServiceReference(AgentRunner.class);
            return ref == null ? null : context.getService(ref);
        });
        await("the story agent", () -> runner.agents().stream().anyMatch(a -> a.name().equals("story")) ? true : null);

        String id = shell(context, "aios:run story Once upon a time");
        String story = shell(context, "aios:wait --timeout 60 " + id);

        assertTrue(story, story.startsWith("Once upon a time"));
        assertTrue("the model wrote a continuation: " + story, story.length() > "Once upon a time".length() + 40);
        List<String> files = ((StorageResult) kernel.submit(new StorageQuery("story", new StorageOperation.List("stories")))
                .result().toCompletableFuture().get(30, TimeUnit.SECONDS)).entries();
        assertEquals(1, files.size());
        assertTrue(files.get(0), files.get(0).matches("\\d{8}-\\d{6}-" + id + "\\.txt"));
        String saved = ((StorageResult) kernel.submit(new StorageQuery("story", new StorageOperation.Read("stories/"
                + files.get(0)))).result().toCompletableFuture().get(30, TimeUnit.SECONDS)).content();
        assertEquals(story, saved);
        String ps = shell(context, "aios:ps");
        assertTrue(ps, ps.matches("(?s).*\\n" + id + " +story +DONE +.* +Once upon a time\\n.*"));
    }

    private static String shell(BundleContext context, String command) throws Exception {
        return GogoShell.execute(context, command);
    }
}
