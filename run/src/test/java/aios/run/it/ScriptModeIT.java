package aios.run.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * {@code ./aios sh} as a user sees it, through the exported jar: each statement's value is printed, the first
 * failing statement ends the script with status 1 and a message on stderr, and later statements do not run.
 */
public class ScriptModeIT {

    @Test
    public void printsValuesAndStopsWithStatusOneAtTheFirstFailure() throws Exception {
        Result result = runScript("lb\n(bundle 0) symbolicName; no-such-command\necho never");

        assertEquals("exit status; stderr:\n" + result.stderr, 1, result.status);
        assertTrue(result.stdout, result.stdout.contains("Apache Felix Declarative Services"));
        assertTrue(result.stdout, result.stdout.contains("org.apache.felix.framework"));
        assertTrue(result.stdout, !result.stdout.contains("never"));
        assertTrue(result.stderr, result.stderr.contains("no-such-command: CommandNotFoundException"));
        assertTrue(result.stderr, result.stderr.contains("1 later statement not run"));
    }

    private record Result(int status, String stdout, String stderr) {
    }

    private static Result runScript(String script) throws IOException, InterruptedException {
        Path work = Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty(KernelOptions.WORK_DIR,
                System.getProperty("java.io.tmpdir")))), "script-");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (Runtime.version().feature() >= 24) {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-Daios.data=" + work.resolve("data"));
        command.add("-Dorg.osgi.framework.storage=" + work.resolve("data/felix-cache"));
        command.add("-Dfelix.cm.dir=" + work.resolve("data/config"));
        command.add("-Dfelix.fileinstall.dir=" + Files.createDirectories(work.resolve("bundles")));
        command.add("-Dgosh.args=--nointeractive");
        command.add("-Daios.script=" + script);
        command.add("-jar");
        command.add(System.getProperty(KernelOptions.AIOS_JAR));
        Path stdout = work.resolve("stdout");
        Path stderr = work.resolve("stderr");
        Process process = new ProcessBuilder(command).directory(work.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the kernel did not exit within 60 s; stderr:\n" + Files.readString(stderr));
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
