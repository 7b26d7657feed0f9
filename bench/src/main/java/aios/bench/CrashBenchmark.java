package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.SyscallResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code bench:crash}: crash safety for real. Starts the kernel of this jar as a separate JVM that writes through
 * the kernel (a storage write and a memory note per step) and prints each step once both are acknowledged; kills it
 * with SIGKILL at a random moment, several times, on the same data directory; then starts it once more to check
 * that every acknowledged write is there, every acknowledged syscall is in the task history ({@code history_lost}
 * counts those that are not, apart from {@code lost}, which counts files and notes), and the database is intact.
 *
 * <p>{@code bench:crashWriter} and {@code bench:crashCheck} are the two halves that run in the child kernels.
 */
@Component(service = CrashBenchmark.class, property = {"osgi.command.scope=bench", "osgi.command.function=crash",
        "osgi.command.function=crashWriter", "osgi.command.function=crashCheck"})
public final class CrashBenchmark {

    static final String AGENT = "crash";
    private static final String ACK = "ack ";
    /** Properties of this JVM that the child kernels get their own values of. */
    private static final List<String> OWN = List.of("-Daios.data=", "-Dorg.osgi.framework.storage=", "-Dfelix.cm.dir=",
            "-Dfelix.fileinstall.dir=", "-Daios.script=", "-Dgosh.args=");

    @Reference
    private Kernel kernel;

    @Descriptor("kill a writing kernel with SIGKILL several times, then check that nothing it acknowledged is lost")
    public String crash(
            @Descriptor("kill-and-restart cycles") @Parameter(names = "--cycles", absentValue = "5") int cycles,
            @Descriptor("random seed of the kill times") @Parameter(names = "--seed", absentValue = "1") long seed,
            @Descriptor("one JSON object") @Parameter(names = "--json", absentValue = "false",
                    presentValue = "true") boolean json) throws Exception {
        if (cycles < 1) {
            throw new IllegalArgumentException("--cycles " + cycles + " must be at least 1");
        }
        Path work = Files.createTempDirectory(Path.of(System.getProperty("aios.data", "data")).toAbsolutePath(),
                "crash-");
        Path acks = work.resolve("acknowledged.txt");
        Random random = new Random(seed);
        int next = 1;
        long acknowledged = 0;
        for (int c = 0; c < cycles; c++) {
            Process child = start(work, "bench:crashWriter --from " + next);
            long killAfterMs = 300 + random.nextInt(1200); // after the first acknowledgement, so every cycle writes
            List<String> got = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                long deadline = 0;
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(ACK)) {
                        got.add(line);
                        if (deadline == 0) {
                            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(killAfterMs);
                        } else if (System.nanoTime() >= deadline) {
                            child.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no flush
                            break;
                        }
                    }
                }
            }
            child.waitFor(30, TimeUnit.SECONDS);
            if (got.isEmpty()) {
                throw new IllegalStateException("cycle " + (c + 1) + ": the writing kernel acknowledged nothing; its"
                        + " log: " + work.resolve("stderr.txt") + "\n" + Files.readString(work.resolve("stderr.txt")));
            }
            Files.write(acks, got, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            acknowledged += got.size();
            next += got.size() + 1_000_000; // a step printed after the kill is not counted, but was maybe written
        }
        Process checker = start(work, "bench:crashCheck " + acks);
        String verdict = new String(checker.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!checker.waitFor(120, TimeUnit.SECONDS) || checker.exitValue() != 0) {
            throw new IllegalStateException("the checking kernel failed: " + verdict + "\n"
                    + Files.readString(work.resolve("stderr.txt")));
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", "crash");
        r.put("cycles", cycles);
        r.put("acknowledged", acknowledged);
        for (String kv : verdict.split(" ")) { // checked=N lost=N integrity=ok …
            int eq = kv.indexOf('=');
            String v = kv.substring(eq + 1);
            r.put(kv.substring(0, eq), v.matches("\\d+") ? (Object) Long.parseLong(v) : v);
        }
        return json ? KernelBenchmark.toJson(r) : KernelBenchmark.toTable(r).stripTrailing();
    }

    /** The kernel of this jar, on {@code work}'s data directory, running one Gogo statement. */
    private static Process start(Path work, String statement) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (OWN.stream().noneMatch(arg::startsWith)) {
                command.add(arg);
            }
        }
        Path data = work.resolve("data");
        command.add("-Daios.data=" + data);
        command.add("-Dorg.osgi.framework.storage=" + data.resolve("felix-cache"));
        command.add("-Dfelix.cm.dir=" + data.resolve("config"));
        command.add("-Dfelix.fileinstall.dir=" + Files.createDirectories(work.resolve("bundles")));
        command.add("-Dgosh.args=--nointeractive");
        command.add("-Daios.script=" + statement);
        command.add("-jar");
        command.add(System.getProperty("java.class.path"));
        return new ProcessBuilder(command).directory(work.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("stderr.txt").toFile())).start();
    }

    @Descriptor("(run by bench:crash in a child kernel) write and print each acknowledged step until killed")
    public String crashWriter(@Parameter(names = "--from", absentValue = "1") long from) throws Exception {
        kernel.register(AGENT);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        for (long i = from; ; i++) {
            SyscallHandle file = kernel.submit(new StorageQuery(AGENT, new StorageOperation.Write(path(i), content(i))));
            SyscallHandle note = kernel.submit(new MemoryQuery(AGENT, new MemoryOperation.Add(note(i),
                    Map.of("step", Long.toString(i)))));
            result(file);
            MemoryResult added = (MemoryResult) result(note);
            // both are acknowledged now; ids start again at 1 in each kernel, so the history is matched by id and arrival
            out.println(ACK + i + " " + added.id() + " " + file.id() + " " + micros(file) + " " + note.id() + " "
                    + micros(note));
        }
    }

    @Descriptor("(run by bench:crash in a child kernel) check every acknowledged step of a file")
    public String crashCheck(CommandSession session, String acknowledged) throws Exception {
        kernel.register(AGENT);
        // the storage manager's own command, so that this bundle needs nothing of its packages
        Set<String> history = new HashSet<>();
        String tsv = String.valueOf(session.execute("aios:history --agent " + AGENT + " --limit " + Integer.MAX_VALUE
                + " --format tsv"));
        for (String row : tsv.split("\n")) {
            String[] c = row.split("\t");
            if (c.length > 5 && !c[0].equals("id")) {
                history.add(c[0] + "@" + c[5]); // id, arrival_us
            }
        }
        long checked = 0;
        List<String> lost = new ArrayList<>();
        List<String> historyLost = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(acknowledged), StandardCharsets.UTF_8)) {
            String[] f = line.substring(ACK.length()).split(" ");
            long i = Long.parseLong(f[0]);
            checked++;
            for (int s = 2; s + 1 < f.length; s += 2) {
                if (!history.contains(f[s] + "@" + f[s + 1])) {
                    historyLost.add("syscall_" + f[s] + "@" + f[s + 1] + "_of_step_" + i);
                }
            }
            StorageResult file = (StorageResult) result(kernel.submit(new StorageQuery(AGENT,
                    new StorageOperation.Read(path(i)))));
            if (!content(i).equals(file.content())) {
                lost.add("file " + path(i));
            }
            MemoryResult note = (MemoryResult) result(kernel.submit(new MemoryQuery(AGENT, new MemoryOperation.Get(f[1]))));
            if (!note(i).equals(note.content())) {
                lost.add("note " + f[1]);
            }
        }
        String integrity = String.valueOf(session.execute("storage:check")).strip().replace('\n', ';').replace(' ', '_');
        return "checked=" + checked + " lost=" + lost.size() + " history_lost=" + historyLost.size() + " integrity="
                + integrity + (lost.isEmpty() ? "" : " first_lost=" + lost.getFirst().replace(' ', '_'))
                + (historyLost.isEmpty() ? "" : " first_history_lost=" + historyLost.getFirst()) + "\n";
    }

    private static long micros(SyscallHandle h) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, h.timings().arrival());
    }

    private static String path(long i) {
        return "crash/" + i + ".txt";
    }

    private static String content(long i) {
        return "step " + i + " of the crash benchmark";
    }

    private static String note(long i) {
        return "note of step " + i;
    }

    private static SyscallResult result(SyscallHandle h) throws Exception {
        return h.result().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
}
