package aios.run.it;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.systemPackage;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.BundleContext;

/**
 * Pax Exam options that boot, in the test JVM, the bundles of the kernel as it ships: every bundle inside
 * {@code target/aios.jar} (the exported {@code aios.bndrun}) except the Gogo console, which would read the test
 * JVM's stdin. So an integration test sees SCR, ConfigAdmin, Event Admin, Log, Metatype, FileInstall, the Gogo
 * runtime and commands, and every {@code aios.*} bundle of the assembly, at the versions that ship.
 *
 * <p>FileInstall watches a fresh temporary directory ({@link #dropDir(BundleContext)}): a test installs,
 * updates or uninstalls a bundle by writing, replacing or deleting a jar there. ConfigAdmin persists in a
 * temporary directory too. Nothing is downloaded at test time.
 *
 * <pre>
 * &#64;Configuration
 * public Option[] config() { return KernelOptions.kernel(); }
 * </pre>
 */
public final class KernelOptions {

    /** System property (set by failsafe in pom.xml): the exported jar whose bundles the tests boot. */
    public static final String AIOS_JAR = "aios.jar";

    /** Bundles of aios.jar left out of tests: the console reads stdin, which the test JVM uses itself. */
    private static final Set<String> LEFT_OUT = Set.of("org.apache.felix.gogo.shell");

    /** System property (set by failsafe): where the tests' directories go; else the system's temporary dir. */
    public static final String WORK_DIR = "aios.it.dir";

    private static final String FILEINSTALL_DIR = "felix.fileinstall.dir";

    private KernelOptions() {
    }

    /** The kernel's bundles, JUnit, and fresh directories for FileInstall and ConfigAdmin; then {@code more}. */
    public static Option[] kernel(Option... more) {
        Path work = temporaryDirectory("aios-it-");
        List<Option> options = new ArrayList<>();
        options.add(junitBundles());
        options.add(systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"));
        options.add(cleanCaches(true));
        options.add(systemPackage("jdk.incubator.vector")); // as aios.bndrun: for llm.local's vector arithmetic
        options.add(frameworkProperty(FILEINSTALL_DIR).value(mkdirs(work.resolve("bundles")).toString()));
        options.add(frameworkProperty("felix.fileinstall.poll").value("200"));
        options.add(frameworkProperty("felix.fileinstall.noInitialDelay").value("true"));
        options.add(frameworkProperty("felix.cm.dir").value(work.resolve("config").toString()));
        options.add(frameworkProperty("aios.data").value(mkdirs(work.resolve("data")).toString()));
        // the HTTP API on a free loopback port (Felix HTTP picks one for 0), never the 8000 of a kernel that runs here
        options.add(frameworkProperty("org.osgi.service.http.port").value("0"));
        options.add(frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"));
        for (String url : assemblyBundles()) {
            options.add(bundle(url));
        }
        options.addAll(Arrays.asList(more));
        return new Option[] {composite(options.toArray(Option[]::new))};
    }

    /** The directory FileInstall watches in this framework: drop jars here. */
    public static Path dropDir(BundleContext context) {
        String dir = context.getProperty(FILEINSTALL_DIR);
        if (dir == null) {
            throw new IllegalStateException(FILEINSTALL_DIR + " is not set: boot the framework with KernelOptions.kernel()");
        }
        return Path.of(dir);
    }

    /**
     * The jar of a bundle on the test class path, by symbolic name: a test dependency that a test drops in,
     * such as {@code aios.scheduler.lifo}.
     *
     * @throws IllegalArgumentException if no jar on the class path has that symbolic name
     */
    public static Path jarOnClasspath(String symbolicName) {
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isRegularFile(path) && symbolicName.equals(symbolicName(path))) {
                return path;
            }
        }
        throw new IllegalArgumentException("no jar with Bundle-SymbolicName " + symbolicName
                + " on the test class path; add it to run/pom.xml as a test dependency");
    }

    /** URLs of the bundles inside aios.jar, in the launcher's order, without those {@link #LEFT_OUT}. */
    static List<String> assemblyBundles() {
        Path jar = assemblyJar();
        List<String> urls = new ArrayList<>();
        try (JarFile assembly = new JarFile(jar.toFile())) {
            Properties launcher = new Properties();
            try (InputStream in = assembly.getInputStream(assembly.getEntry("launcher.properties"))) {
                launcher.load(in);
            }
            for (String path : launcher.getProperty("launch.bundles", "").split(",")) {
                ZipEntry entry = assembly.getEntry(path.trim());
                if (entry == null) {
                    continue;
                }
                try (JarInputStream in = new JarInputStream(assembly.getInputStream(entry))) {
                    Manifest manifest = in.getManifest();
                    String bsn = manifest == null ? null : bsn(manifest);
                    if (bsn != null && !LEFT_OUT.contains(bsn)) {
                        urls.add("jar:" + jar.toUri() + "!/" + entry.getName());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundles of " + jar, e);
        }
        if (urls.isEmpty()) {
            throw new IllegalStateException(jar + " lists no bundles in launcher.properties");
        }
        return urls;
    }

    private static Path assemblyJar() {
        String path = System.getProperty(AIOS_JAR);
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new IllegalStateException("the exported kernel jar is missing (system property " + AIOS_JAR + " = "
                    + path + "): build it first with ./aios build, or run the tests through Maven (verify)");
        }
        return Path.of(path);
    }

    private static String symbolicName(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            return manifest == null ? null : bsn(manifest);
        } catch (IOException e) {
            return null; // not a jar: not the bundle we look for
        }
    }

    private static String bsn(Manifest manifest) {
        String value = manifest.getMainAttributes().getValue("Bundle-SymbolicName");
        return value == null ? null : value.split(";")[0].trim();
    }

    private static Path temporaryDirectory(String prefix) {
        try {
            String base = System.getProperty(WORK_DIR);
            return base == null ? Files.createTempDirectory(prefix)
                    : Files.createTempDirectory(mkdirs(Path.of(base)), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the test framework", e);
        }
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
