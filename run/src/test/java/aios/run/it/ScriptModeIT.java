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

    @Test
    public void theAiosCommandsWork_andAPolicySwitchSurvivesARestart() throws Exception {
        Path work = newWorkDir();
        Result first = runScript(work, "aios:register alice\naios:agents\naios:policy llm priority\naios:queues");
        assertEquals("exit status; stderr:\n" + first.stderr, 0, first.status);
        assertTrue(first.stdout, first.stdout.contains("agent alice registered"));
        assertTrue(first.stdout, first.stdout.matches("(?s).*\\nalice +\\d{4}-.*"));
        assertTrue(first.stdout, first.stdout.contains("llm: fifo -> priority (0 waiting)"));
        assertTrue(first.stdout, first.stdout.matches("(?s).*\\nllm +priority +0 +0 +0 +0 .*"));

        Result second = runScript(work, "aios:policy llm");
        assertEquals("exit status; stderr:\n" + second.stderr, 0, second.status);
        assertTrue("the switch was kept: " + second.stdout, second.stdout.startsWith("llm: priority (installed: "));

        Result bad = runScript(work, "aios:policy llm nope");
        assertEquals(1, bad.status);
        assertTrue(bad.stderr, bad.stderr.contains("no scheduling policy named 'nope' is installed"));
        Result unknown = runScript(work, "aios:stat 42");
        assertEquals(1, unknown.status);
        assertTrue(unknown.stderr, unknown.stderr.contains("no syscall 42 is known"));
    }

    @Test
    public void aGenerationSubmittedFromTheShell_runsThroughTheKernelOnTheRealModel() throws Exception {
        Result r = runScript("id = aios:submit --agent alice --tokens 30 llm Once upon a time\naios:wait $id\n"
                + "aios:stat $id");
        assertEquals("exit status; stderr:\n" + r.stderr, 0, r.status);
        assertTrue(r.stdout, r.stdout.contains(", there was a little girl named Lily. She loved to play outside in the park."));
        assertTrue(r.stdout, r.stdout.matches("(?s).*status +COMPLETED.*"));
        Result unknown = runScript("aios:wait 77");
        assertEquals(1, unknown.status);
        assertTrue(unknown.stderr, unknown.stderr.contains("syscall 77 was not submitted or restored from this shell"));
    }

    @Test
    public void waitFollowPrintsTheTextAsItIsGenerated_theSameTextAsWait() throws Exception {
        Result r = runScript("id = aios:submit --agent alice --tokens 200 llm Once upon a time\n"
                + "aios:wait --follow $id\n"
                + "aios:wait $id");
        assertEquals("exit status; stderr:\n" + r.stderr, 0, r.status);
        // the id, the followed text, then the same text from the plain wait
        String out = r.stdout;
        String start = ", there was a little girl named Lily. She loved to play outside in the park.";
        int followed = out.indexOf(start);
        int waited = out.indexOf(start, followed + 1);
        assertTrue(out, followed >= 0 && waited > followed);
        assertEquals(out, out.substring(followed, waited).strip(), out.substring(waited).strip());
    }

    @Test
    public void aContextSavedMidGeneration_continuesAfterARestartWithTheUninterruptedText() throws Exception {
        String a = "--tokens 300 --temperature 0.8 --seed 7 llm Tom had a dog";
        Path work = newWorkDir();
        // three agents take turns two tokens at a time; when c's short generation is done, a is well under way
        Result first = runScript(work, "aios:policy llm rr slice.tokens=2\n"
                + "aios:submit --agent ctx-a " + a + "\n"
                + "aios:submit --agent ctx-b --tokens 300 --temperature 0.9 --seed 8 llm Once upon a time\n"
                + "c = aios:submit --agent ctx-c --tokens 40 llm The sun was\n"
                + "aios:wait $c\n"
                + "ctx:snapshot ctx-a");
        assertEquals("exit status; stderr:\n" + first.stderr, 0, first.status);
        java.util.regex.Matcher saved = java.util.regex.Pattern.compile(
                "saved snapshot 1 of agent ctx-a: (\\d+) bytes, 0 messages, 1 unfinished generations").matcher(first.stdout);
        assertTrue(first.stdout, saved.find());
        assertTrue("the generation's state was saved, not just its query: " + saved.group(1),
                Long.parseLong(saved.group(1)) > 10_000);

        Result restored = runScript(work, "ctx:restore ctx-a\naios:wait 1");
        assertEquals("exit status; stderr:\n" + restored.stderr, 0, restored.status);
        assertTrue(restored.stdout, restored.stdout.startsWith("restored snapshot 1 of agent ctx-a (0 messages)\n"
                + "syscall 1 continues as 1\n"));

        Result alone = runScript("id = aios:submit --agent solo " + a + "\naios:wait $id");
        assertEquals("exit status; stderr:\n" + alone.stderr, 0, alone.status);
        String text = alone.stdout.strip();
        assertTrue("a long text: " + text, text.length() > 300);
        assertTrue("restored:\n" + restored.stdout + "\nuninterrupted:\n" + text, restored.stdout.strip().endsWith(text));
    }

    @Test
    public void anAgentsUsageCountsOnAfterARestart_soItsLimitStillHolds() throws Exception {
        Path work = newWorkDir();
        String one = "id = aios:submit --agent u --tokens 5 llm Once upon a time\naios:wait $id\n";
        Result first = runScript(work, "ctx:limit --syscalls 3 u\n" + one + one);
        assertEquals("exit status; stderr:\n" + first.stderr, 0, first.status);

        Result second = runScript(work, one + "ctx:ls\n" + one);
        assertEquals("the fourth syscall is refused; stdout:\n" + second.stdout, 1, second.status);
        assertTrue(second.stdout, second.stdout.matches("(?s).*\\nu +3 / 3 .*"));
        assertTrue(second.stderr, second.stderr.contains("agent 'u' has reached its syscalls limit (3 used of 3)"));
    }

    @Test
    public void withoutTheVectorApiTheEngineRunsItsScalarArithmeticToTheSameText() throws Exception {
        // a JVM started without --add-modules=jdk.incubator.vector: llm.local's optional import stays unwired
        Result r = runScript(newWorkDir(), false, "id = aios:submit --agent alice --tokens 30 llm Once upon a time\n"
                + "aios:wait $id");
        assertEquals("exit status; stderr:\n" + r.stderr, 0, r.status);
        assertTrue(r.stdout, r.stdout.contains(", there was a little girl named Lily. She loved to play outside"));
        assertTrue(r.stderr, !r.stderr.contains("jdk.incubator.vector"));
    }

    @Test
    public void aModelGivenWithTheModelOption_isServedBeforeTheOthers_andAMissingOneIsNamedInTheError() throws Exception {
        Path work = newWorkDir();
        Path mine = Files.copy(LocalModelIT.model(), work.resolve("mine.gguf"));
        Result r = runScript(work, true, "llm:models\nid = aios:submit --agent m --tokens 30 llm Once upon a time\n"
                + "aios:stat $id\naios:wait $id", "-Daios.model=" + mine);
        assertEquals("exit status; stderr:\n" + r.stderr, 0, r.status);
        assertTrue(r.stdout, r.stdout.matches("(?s).*\\nmine +none \\(plain\\) +" + java.util.regex.Pattern.quote(mine.toString()) + ".*"));
        assertTrue(r.stdout, r.stdout.contains(", there was a little girl named Lily. She loved to play outside in the park."));

        Path gone = work.resolve("gone.gguf");
        Result missing = runScript(newWorkDir(), true, "id = aios:submit --agent m --tokens 5 llm Hi\naios:wait $id",
                "-Daios.model=" + gone);
        assertEquals(1, missing.status);
        assertTrue(missing.stderr, missing.stderr.contains("the model file " + gone + " given with --model (the framework"
                + " property aios.model) does not exist"));
    }

    record Result(int status, String stdout, String stderr) {
    }

    static Path newWorkDir() throws IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of(System.getProperty(KernelOptions.WORK_DIR,
                System.getProperty("java.io.tmpdir")))), "script-");
    }

    private static Result runScript(String script) throws IOException, InterruptedException {
        return runScript(newWorkDir(), script);
    }

    private static Result runScript(Path work, String script) throws IOException, InterruptedException {
        return runScript(work, true, script);
    }

    /**
     * @param vectors whether to give the JVM the Vector API when this JVM has it, as ./aios does
     * @param options more JVM options, such as the -Daios.model=FILE that ./aios --model FILE passes
     */
    private static Result runScript(Path work, boolean vectors, String script, String... options)
            throws IOException, InterruptedException {
        return runJar(System.getProperty(KernelOptions.AIOS_JAR), work, vectors, script, options);
    }

    /**
     * The start of a command line for a kernel process, as ./aios builds it: this JVM's java, the Vector API when
     * asked for and available, the flags JDK 24+ needs, and the kernel's state under {@code work/data}.
     */
    static List<String> kernelJvm(Path work, boolean vectors) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (vectors && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        if (Runtime.version().feature() >= 24) {
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.add("-Daios.data=" + work.resolve("data"));
        command.add("-Dorg.osgi.framework.storage=" + work.resolve("data/felix-cache"));
        command.add("-Dfelix.cm.dir=" + work.resolve("data/config"));
        return command;
    }

    /** Runs {@code jar} (a kernel jar: aios.jar or aios-bench.jar) in script mode, as ./aios sh does. */
    static Result runJar(String jar, Path work, boolean vectors, String script, String... options)
            throws IOException, InterruptedException {
        List<String> command = kernelJvm(work, vectors);
        command.add("-Dfelix.fileinstall.dir=" + Files.createDirectories(work.resolve("bundles")));
        command.add("-Dorg.osgi.service.http.port=0"); // the HTTP API on a free port, not a running kernel's 8000
        // the kernel cleans its framework cache at each start; configuration stays in data/config
        command.add("-Dgosh.args=--nointeractive");
        command.add("-Daios.script=" + script);
        command.addAll(List.of(options));
        command.add("-jar");
        command.add(jar);
        Path stdout = work.resolve("stdout");
        Path stderr = work.resolve("stderr");
        ProcessBuilder builder = new ProcessBuilder(command);
        if (System.getenv("AIOS_MODELS") == null) {
            // as ./aios test does: the shared models beside the project (this module's folder is run/)
            builder.environment().put("AIOS_MODELS", Path.of("../../shared/models").toAbsolutePath().normalize().toString());
        }
        Process process = builder.directory(work.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the kernel did not exit within 60 s; stderr:\n" + Files.readString(stderr));
        }
        return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
