package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.syscall.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The kernel's bundles boot and start in a real framework, the kernel serves its four queues, and the drop-in
 * folder installs and removes jars.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KernelSmokeIT {

    private static final Set<String> INFRASTRUCTURE = Set.of("org.apache.felix.scr", "org.apache.felix.configadmin",
            "org.apache.felix.eventadmin", "org.apache.felix.metatype", "org.apache.felix.log",
            "org.apache.felix.fileinstall", "org.apache.felix.gogo.runtime", "aios.kernel.api", "aios.kernel.core",
            "aios.scheduler.fifo", "aios.shell");

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    /** This test's bundle context: the test methods run inside the framework, in Pax Exam's probe bundle. */
    private BundleContext context() {
        return FrameworkUtil.getBundle(KernelSmokeIT.class).getBundleContext();
    }

    @Test
    public void everyBundleIsActive() {
        BundleContext context = context();
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = (bundle.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
            if (!fragment && bundle.getState() != Bundle.ACTIVE) {
                notActive.add(bundle.getSymbolicName() + " (state " + bundle.getState() + ")");
            }
        }
        assertEquals("bundles not active", List.of(), notActive);

        Set<String> installed = Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName)
                .collect(Collectors.toSet());
        assertTrue("missing from the framework: " + INFRASTRUCTURE + " vs " + installed,
                installed.containsAll(INFRASTRUCTURE));
    }

    @Test
    public void theKernelServesOneQueuePerResource() {
        ServiceReference<Kernel> reference = context().getServiceReference(Kernel.class);
        assertNotNull("no Kernel service: is aios.kernel.core active?", reference);
        Kernel kernel = context().getService(reference);
        try {
            assertEquals(kernel.queues().toString(), 4, kernel.queues().size());
            assertEquals(EnumSet.allOf(Resource.class),
                    kernel.queues().stream().map(QueueInfo::resource).collect(Collectors.toSet()));
        } finally {
            context().ungetService(reference);
        }
    }

    @Test
    public void aJarDroppedInIsInstalledAndStartedAndRemovedWhenDeleted() throws Exception {
        Path drop = KernelOptions.dropDir(context());
        Path jar = drop.resolve("smoke-dropin.jar");

        awaitBundleEvent("aios.it.dropin", BundleEvent.STARTED, () -> writeBundle(jar, "aios.it.dropin"));
        awaitBundleEvent("aios.it.dropin", BundleEvent.UNINSTALLED, () -> Files.delete(jar));
    }

    private void awaitBundleEvent(String bsn, int type, IoAction action) throws Exception {
        BundleContext context = context();
        CountDownLatch seen = new CountDownLatch(1);
        BundleListener listener = event -> {
            if (event.getType() == type && bsn.equals(event.getBundle().getSymbolicName())) {
                seen.countDown();
            }
        };
        context.addBundleListener(listener);
        try {
            action.run();
            assertTrue("no bundle event " + type + " for " + bsn + " within 10 s", seen.await(10, TimeUnit.SECONDS));
        } finally {
            context.removeBundleListener(listener);
        }
    }

    /** A manifest-only bundle, written beside the target and moved in, so FileInstall never sees half a jar. */
    private static void writeBundle(Path target, String bsn) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bsn);
        main.putValue("Bundle-Version", "1.0.0");
        Path partial = target.getParent().resolveSibling(target.getFileName() + ".partial");
        try (OutputStream out = Files.newOutputStream(partial); JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
