package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Hashtable;
import java.util.Map;
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
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

/**
 * A tool bundle in the drop-in folder: the calc bundle of the assembly is uninstalled, then its jar dropped into the
 * folder FileInstall watches makes {@code calc} callable at once, and deleting the jar takes it away again. (A class
 * of its own: the framework it boots loses the assembly's calc bundle.)
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ToolDropInIT {

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    @Test
    public void aToolBundleDroppedIn_isCallableAtOnce_andGoneWhenItsJarIsRemoved() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(ToolDropInIT.class).getBundleContext();
        Kernel kernel = context.getService(context.getServiceReference(Kernel.class));
        ServiceRegistration<AccessPolicy> allowAll = context.registerService(AccessPolicy.class,
                call -> AccessDecision.allow(), new Hashtable<>(Map.of(Constants.SERVICE_RANKING, 1000)));
        try {
            kernel.register("alice");
            ServiceReference<ToolManager> ref = await("the tool manager",
                    () -> context.getServiceReference(ToolManager.class));
            ToolManager tools = context.getService(ref);
            Bundle shipped = null;
            for (Bundle b : context.getBundles()) {
                if ("aios.tool.calc".equals(b.getSymbolicName())) {
                    shipped = b;
                }
            }
            assertNotNull("aios.tool.calc is in the assembly", shipped);
            shipped.uninstall();
            await("calc gone", () -> tools.tool("calc").isEmpty() ? true : null);
            ToolQuery query = new ToolQuery("alice", new ToolCall(null, "calc", "{\"expression\": \"1/3 + 1/6\"}"));
            assertTrue(assertThrows(SyscallRejectedException.class, () -> kernel.submit(query)).getMessage()
                    .startsWith("no tool named 'calc' is installed"));

            Path jar = KernelOptions.dropDir(context).resolve("aios.tool.calc.jar");
            Path partial = jar.getParent().resolveSibling("aios.tool.calc.jar.partial");
            Files.copy(KernelOptions.jarOnClasspath("aios.tool.calc"), partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
            await("calc dropped in", () -> tools.tool("calc").orElse(null));
            ToolResult r = (ToolResult) kernel.submit(query).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals("{\"value\":\"0.5\",\"decimal\":\"0.5\",\"decimal_exact\":true}", r.outcomes().get(0).output());

            Files.delete(jar);
            await("calc removed with its jar", () -> tools.tool("calc").isEmpty() ? true : null);
            assertThrows(SyscallRejectedException.class, () -> kernel.submit(query));
        } finally {
            allowAll.unregister();
        }
    }
}
