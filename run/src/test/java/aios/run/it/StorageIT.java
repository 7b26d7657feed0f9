package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.storage.NoteStore;
import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.storage.SyscallHistory;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.Before;
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
import org.sqlite.SQLiteConfig;

/**
 * The shipped storage manager under the real kernel: storage syscalls go through the storage queue to the SQLite
 * database in the data directory, a path that is not a plain path inside the agent's namespace is refused and
 * changes nothing, and the DataCollector records every step and each finished syscall's history row, which aios:history shows;
 * a syscall is acknowledged once its history row is on disk.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StorageIT {

    private BundleContext context;
    private Kernel kernel;

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    @Before
    public void setUp() throws Exception {
        context = FrameworkUtil.getBundle(StorageIT.class).getBundleContext();
        kernel = context.getService(context.getServiceReference(Kernel.class));
        await("the storage manager", () -> context.getServiceReference(StorageManager.class));
        await("the note store", () -> context.getServiceReference(NoteStore.class));
    }

    private StorageResult submit(String agent, StorageOperation op) throws Exception {
        return (StorageResult) handle(agent, op).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private SyscallHandle handle(String agent, StorageOperation op) {
        return kernel.submit(new StorageQuery(agent, op));
    }

    private Path database() {
        return Path.of(context.getProperty("aios.data")).resolve("storage.db");
    }

    /** A query on the kernel's database, through a connection of our own (WAL lets it read beside the kernel). */
    private long count(String sql, Object... args) throws Exception {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + database());
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getLong(1) : 0;
            }
        }
    }

    private String shell(String command) throws Exception {
        return GogoShell.execute(context, command);
    }

    @Test
    public void storageSyscallsRunThroughTheKernel_andTheCollectorRecordsThem() throws Exception {
        kernel.register("alice");
        assertEquals(1, submit("alice", new StorageOperation.Write("notes/plan.md", "first draft")).version());
        assertEquals(2, submit("alice", new StorageOperation.Write("notes/plan.md", "second draft")).version());
        assertEquals("second draft", submit("alice", new StorageOperation.Read("notes/plan.md")).content());
        assertEquals(3, submit("alice", new StorageOperation.Rollback("notes/plan.md", 1, null)).version());
        assertEquals("first draft", submit("alice", new StorageOperation.Read("notes/plan.md")).content());
        assertEquals(List.of("plan.md"), submit("alice", new StorageOperation.List("notes")).entries());
        assertEquals(List.of("notes/plan.md"), submit("alice", new StorageOperation.Retrieve("draft", 3)).hits());
        assertTrue(Files.isRegularFile(database()));

        // the kernel refuses a path that leaves the namespace at submit (a REJECTED event, nothing queued); what
        // passes it but is still not a plain path fails in the storage manager, with nothing changed
        SyscallRejectedException rejected = org.junit.Assert.assertThrows(SyscallRejectedException.class,
                () -> handle("alice", new StorageOperation.Write("../bob/plan.md", "x")));
        assertTrue(rejected.getMessage(), rejected.getMessage().contains("'../bob/plan.md'"));
        SyscallHandle blurred = handle("alice", new StorageOperation.Write("notes//plan.md", "x"));
        ExecutionException failed = org.junit.Assert.assertThrows(ExecutionException.class,
                () -> blurred.result().toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertTrue(failed.getCause().getMessage(), failed.getCause().getMessage().contains(
                "path 'notes//plan.md' is refused: it has an empty segment"));
        assertEquals(3, count("SELECT count(*) FROM file_versions v JOIN files f ON f.id = v.file WHERE f.agent = 'alice'"));

        // 8 syscalls ran: each SUBMITTED, STARTED and finished, each with a history row
        await("8 history rows of alice", () -> count("SELECT count(*) FROM task_history WHERE agent = 'alice'") == 8
                ? true : null);
        assertEquals(7, count("SELECT count(*) FROM task_history WHERE agent = 'alice' AND status = 'COMPLETED'"));
        assertEquals(1, count("SELECT count(*) FROM task_history WHERE syscall = ? AND status = 'FAILED' AND kind = "
                + "'storage.write' AND error LIKE '%path ''notes//plan.md'' is refused%'", blurred.id()));
        assertEquals(1, count("SELECT count(*) FROM task_history WHERE syscall = ? AND policy = 'fifo' AND "
                + "start_us >= arrival_us AND end_us >= start_us AND service_us = end_us - start_us", blurred.id()));
        await("24 events of alice", () -> count("SELECT count(*) FROM events WHERE agent = 'alice' AND topic IN "
                + "('aios/syscall/SUBMITTED', 'aios/syscall/STARTED', 'aios/syscall/COMPLETED', "
                + "'aios/syscall/FAILED')") == 24 ? true : null);
        assertEquals(1, count("SELECT count(*) FROM events WHERE syscall = ? AND topic = 'aios/syscall/FAILED' AND "
                + "json_extract(properties, '$.kind') = 'storage.write'", blurred.id()));
        await("the REJECTED event", () -> count("SELECT count(*) FROM events WHERE agent = 'alice' AND topic = "
                + "'aios/syscall/REJECTED' AND json_extract(properties, '$.error') LIKE '%../bob/plan.md%'") == 1
                ? true : null);

        String history = shell("aios:history --agent alice --status failed");
        assertTrue(history, history.contains("storage.write") && history.contains("FAILED")
                && history.contains("path 'notes//plan.md' is refused"));
        String versions = shell("storage:versions alice notes/plan.md");
        assertTrue(versions, versions.matches("(?s)VERSION +BYTES +WRITTEN +CURRENT\n1 +11 .*\n3 +11 +\\S+ \\S+ +\\*\n"));
    }

    /**
     * With the storage manager's durable history (the default), a syscall's history row is on disk when the caller
     * sees its result. Prints what a storage write costs its caller. (History from events, with
     * {@code history.durable=false}, is covered by DataCollectorTest: switching it here restarts the storage
     * components one after another, and a syscall submitted in between is refused.)
     */
    @Test
    public void aSyscallIsAcknowledgedOnlyOnceItsHistoryRowIsDurable() throws Exception {
        kernel.register("timed");
        await("the durable history", () -> context.getServiceReference(SyscallHistory.class));
        int n = 300;
        long[] durable = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            SyscallHandle h = handle("timed", new StorageOperation.Write("durable/" + i + ".txt", "step " + i));
            h.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
            durable[i] = System.nanoTime() - t0;
            if (i % 30 == 0) { // seen by another connection the moment the caller has the result
                assertEquals("history row of syscall " + h.id(), 1, count("SELECT count(*) FROM task_history WHERE "
                        + "syscall = ? AND arrival_us = ?", h.id(), micros(h)));
            }
        }
        System.out.printf("a storage write, acknowledged after its history row is durable: p50 %.2f ms, mean %.2f ms"
                + " (%d writes)%n", p50(durable), mean(durable), n);
    }

    private static long micros(SyscallHandle h) {
        return java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH, h.timings().arrival());
    }

    private static double p50(long[] nanos) {
        long[] sorted = nanos.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static double mean(long[] nanos) {
        return java.util.Arrays.stream(nanos).average().orElse(0) / 1e6;
    }

    @Test
    public void theNoteStoreKeepsNotesForTheMemoryManager() throws Exception {
        NoteStore notes = context.getService(context.getServiceReference(NoteStore.class));
        notes.put(new NoteStore.Note("carol", "n1", "the key is under the mat", Map.of("tag", "home"), null, null));
        assertEquals("n1", notes.search("carol", "key mat", Map.of("tag", "home"), 5).get(0).note().id());
        assertEquals(1, count("SELECT count(*) FROM notes WHERE agent = 'carol'"));
    }
}
