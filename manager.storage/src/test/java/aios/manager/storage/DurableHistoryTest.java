package aios.manager.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.Timings;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.syscall.Resource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;
import org.sqlite.SQLiteConfig;

/** The durable task history: rows written in the collector's batches, each acknowledged once committed. */
class DurableHistoryTest {

    @TempDir
    Path dir;
    private Path file;
    private Database db;

    @BeforeEach
    void open() throws Exception {
        file = dir.resolve("storage.db");
        db = Database.open(file, 1000, 2);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static final Instant T0 = Instant.parse("2026-11-24T20:00:00Z");

    static SyscallInfo finished(long id, String agent, SyscallStatus status) {
        Instant arrival = T0.plusNanos(id * 1_000_000);
        return new SyscallInfo(id, agent, Resource.STORAGE, "storage.write", status, "fifo",
                new Timings(arrival, arrival.plusNanos(100_000), arrival.plusNanos(350_000)),
                status == SyscallStatus.COMPLETED ? null : "it went wrong");
    }

    /** A count from a connection of its own, outside the collector's Database: what another process would see. */
    private long countElsewhere(String sql) throws Exception {
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.getLong(1);
        }
    }

    @Test
    void theAcknowledgmentRunsOnlyOnceTheRowIsCommitted_onAThreadOfTheCollectors() throws Exception {
        DataCollector collector = new DataCollector(db, 16, 8, 1000, true);
        List<CompletableFuture<Long>> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        for (long id = 1; id <= 20; id++) {
            long syscall = id;
            CompletableFuture<Long> f = new CompletableFuture<>();
            seen.add(f);
            collector.record(finished(id, "alice", SyscallStatus.COMPLETED), 3, () -> {
                try {
                    synchronized (threads) {
                        threads.add(Thread.currentThread().getName());
                    }
                    f.complete(countElsewhere("SELECT count(*) FROM task_history WHERE syscall = " + syscall));
                } catch (Exception e) {
                    f.completeExceptionally(e);
                }
            });
        }
        for (CompletableFuture<Long> f : seen) {
            assertEquals(1L, f.get(10, TimeUnit.SECONDS), "the row was not readable when it was acknowledged");
        }
        collector.close();
        assertFalse(threads.contains(Thread.currentThread().getName()));
        assertEquals("COMPLETED|alice|storage|storage.write|fifo|3|100|350|250",
                single("SELECT status || '|' || agent || '|' || resource || '|' || kind || '|' || policy || '|' || "
                        + "priority || '|' || waiting_us || '|' || turnaround_us || '|' || service_us FROM task_history"
                        + " WHERE syscall = 1"));
        assertEquals(Clock.micros(T0.plusNanos(1_000_000)), single("SELECT arrival_us FROM task_history WHERE syscall = 1"));
        assertEquals(1, single("SELECT count(*) FROM agents WHERE name = 'alice'"));
    }

    @Test
    void eachSyscallHasOneHistoryRow_andEveryEventIsStillWritten() throws Exception {
        DataCollector collector = new DataCollector(db, 64, 16, 1000, true);
        CompletableFuture<Void> acked = new CompletableFuture<>();
        collector.record(finished(7, "bob", SyscallStatus.FAILED), 0, () -> acked.complete(null));
        acked.get(10, TimeUnit.SECONDS);
        // the kernel posts the events after record: they must not add a second row
        collector.handleEvent(DataCollectorTest.syscallEvent(KernelEvents.SUBMITTED, 7, "bob", null));
        collector.handleEvent(DataCollectorTest.syscallEvent(KernelEvents.STARTED, 7, "bob", null));
        collector.handleEvent(recorded(DataCollectorTest.syscallEvent(KernelEvents.FAILED, 7, "bob",
                "it went wrong")));
        collector.close();
        assertEquals(1, single("SELECT count(*) FROM task_history"));
        assertEquals("it went wrong", single("SELECT error FROM task_history WHERE syscall = 7"));
        assertEquals(3, single("SELECT count(*) FROM events WHERE syscall = 7"));
        assertEquals(3L, collector.written());
        assertEquals(1L, collector.historyRows());
    }

    /** The event as the kernel posts it for a syscall it handed to the task history. */
    private static Event recorded(Event e) {
        java.util.Map<String, Object> p = new java.util.HashMap<>();
        for (String name : e.getPropertyNames()) {
            p.put(name, e.getProperty(name));
        }
        p.put(KernelEvents.RECORDED, Boolean.TRUE);
        return new Event(e.getTopic(), p);
    }

    @Test
    void aSyscallTheKernelFinishedWithoutATaskHistory_getsItsRowFromItsEvent() throws Exception {
        // as while the bundles start: the collector takes events before the kernel has the task history
        DataCollector collector = new DataCollector(db, 64, 16, 1000, true);
        collector.handleEvent(DataCollectorTest.syscallEvent(KernelEvents.COMPLETED, 8, "carol", null));
        CompletableFuture<Void> acked = new CompletableFuture<>();
        collector.record(finished(9, "carol", SyscallStatus.COMPLETED), 0, () -> acked.complete(null));
        acked.get(10, TimeUnit.SECONDS);
        collector.handleEvent(recorded(DataCollectorTest.syscallEvent(KernelEvents.COMPLETED, 9, "carol", null)));
        collector.close();
        assertEquals(1, single("SELECT count(*) FROM task_history WHERE syscall = 8"));
        assertEquals(1, single("SELECT count(*) FROM task_history WHERE syscall = 9"));
        assertEquals(2L, collector.historyRows());
    }

    @Test
    void whenEveryAttemptToWriteFails_theEntriesAreAcknowledgedAllTheSame_andCounted() throws Exception {
        DataCollector collector = new DataCollector(db, 16, 16, 1000, true);
        collector.retryPauseMs = 1;
        db.write(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE task_history"); // every batch with a history row fails from now on
            }
            return null;
        });
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        collector.record(finished(1, "alice", SyscallStatus.COMPLETED), 0, () -> first.complete(null));
        collector.record(finished(2, "alice", SyscallStatus.CANCELLED), 0, () -> second.complete(null));
        CompletableFuture.allOf(first, second).get(10, TimeUnit.SECONDS);
        collector.close();
        assertEquals(2L, collector.unrecorded());
    }

    @Test
    void aStoppedCollectorStillAcknowledges_andRefusesAnUnfinishedSyscall() throws Exception {
        DataCollector collector = new DataCollector(db, 16, 16, 1000, true);
        collector.close();
        CompletableFuture<String> acked = new CompletableFuture<>();
        collector.record(finished(1, "alice", SyscallStatus.COMPLETED), 0,
                () -> acked.complete(Thread.currentThread().getName()));
        assertNotEquals(Thread.currentThread().getName(), acked.get(10, TimeUnit.SECONDS));
        assertEquals(1L, collector.unrecorded());

        SyscallInfo running = new SyscallInfo(2, "alice", Resource.STORAGE, "storage.read", SyscallStatus.RUNNING,
                "fifo", new Timings(T0, T0, null), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> collector.record(running, 0, () -> { }));
        assertTrue(e.getMessage().contains("syscall 2 of agent alice is not finished"), e.getMessage());
    }

    /**
     * Many workers, each recording a syscall and waiting for its acknowledgment before the next, as the kernel's
     * workers do: one transaction (one fsync) acknowledges all that arrived meanwhile, so records per second grow
     * with the number of workers while each still waits about one commit.
     */
    @Test
    void groupCommit_manyConcurrentRecordsShareTransactions() throws Exception {
        DataCollector collector = new DataCollector(db, 16_384, 1_024, 10_000, true);
        for (int workers : new int[] {1, 8, 64}) {
            int perWorker = workers == 1 ? 300 : 3_000 / workers * 4;
            AtomicLong ids = new AtomicLong(workers * 1_000_000L);
            long[] latencies = new long[workers * perWorker];
            AtomicLong slot = new AtomicLong();
            long t0 = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < perWorker; i++) {
                        CompletableFuture<Void> ack = new CompletableFuture<>();
                        long start = System.nanoTime();
                        collector.record(finished(ids.incrementAndGet(), "agent", SyscallStatus.COMPLETED), 0,
                                () -> ack.complete(null));
                        ack.join();
                        latencies[(int) slot.getAndIncrement()] = System.nanoTime() - start;
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            int n = workers * perWorker;
            Arrays.sort(latencies);
            System.out.printf("durable history: %d workers, %d records in %.2f s: %.0f records/s, acknowledged after "
                    + "p50 %.2f ms, p99 %.2f ms%n", workers, n, seconds, n / seconds, latencies[n / 2] / 1e6,
                    latencies[n * 99 / 100] / 1e6);
        }
        collector.close();
        assertEquals(0L, collector.unrecorded());
        assertEquals(300L + 8 * (3_000 / 8 * 4) + 64 * (3_000 / 64 * 4), collector.historyRows());
    }

    private Object single(String sql) throws Exception {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                return r.next() ? r.getObject(1) : null;
            }
        });
    }
}
