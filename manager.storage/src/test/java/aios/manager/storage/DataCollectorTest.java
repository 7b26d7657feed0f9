package aios.manager.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.event.KernelEvents;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.event.Event;

class DataCollectorTest {

    @TempDir
    Path dir;
    private Database db;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir.resolve("storage.db"), 1000, 2);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Object single(String sql) throws Exception {
        return db.read(c -> {
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
                return r.next() ? r.getObject(1) : null;
            }
        });
    }

    static Event syscallEvent(String topic, long id, String agent, String error) {
        Map<String, Object> p = new HashMap<>();
        p.put(KernelEvents.ID, id);
        p.put(KernelEvents.AGENT, agent);
        p.put(KernelEvents.RESOURCE, "storage");
        p.put(KernelEvents.KIND, "storage.write");
        p.put(KernelEvents.POLICY, "fifo");
        p.put(KernelEvents.PRIORITY, 0);
        p.put(KernelEvents.ARRIVAL, 1_000_000L + id);
        if (!topic.equals(KernelEvents.SUBMITTED)) {
            p.put(KernelEvents.START, 1_000_100L + id);
            p.put(KernelEvents.WAITING, 100L);
        }
        if (!topic.equals(KernelEvents.SUBMITTED) && !topic.equals(KernelEvents.STARTED)) {
            p.put(KernelEvents.END, 1_000_350L + id);
            p.put(KernelEvents.TURNAROUND, 350L);
        }
        if (error != null) {
            p.put(KernelEvents.ERROR, error);
        }
        return new Event(topic, p);
    }

    @Test
    void everyEventIsPersisted_andFinishedSyscallsBecomeHistoryRows() throws Exception {
        DataCollector collector = new DataCollector(db, 16, 4, 1000, false);
        collector.handleEvent(syscallEvent(KernelEvents.SUBMITTED, 1, "alice", null));
        collector.handleEvent(syscallEvent(KernelEvents.STARTED, 1, "alice", null));
        collector.handleEvent(syscallEvent(KernelEvents.COMPLETED, 1, "alice", null));
        collector.handleEvent(syscallEvent(KernelEvents.FAILED, 2, "bob", "path 'x/../y' is refused"));
        collector.handleEvent(new Event(KernelEvents.POLICY_CHANGED, Map.of(KernelEvents.RESOURCE, "llm",
                KernelEvents.POLICY, "rr", KernelEvents.PREVIOUS, "fifo", KernelEvents.MOVED, 3)));
        collector.close();

        assertEquals(5L, collector.written());
        assertEquals(0L, collector.dropped());
        assertEquals(5, single("SELECT count(*) FROM events"));
        assertEquals(1_000_001, single("SELECT time_us FROM events WHERE topic = 'aios/syscall/SUBMITTED'"));
        assertEquals(1_000_351, single("SELECT time_us FROM events WHERE topic = 'aios/syscall/COMPLETED'"));
        assertEquals("{\"moved\":3,\"policy\":\"rr\",\"previous\":\"fifo\",\"resource\":\"llm\"}",
                single("SELECT properties FROM events WHERE topic = 'aios/queue/POLICY_CHANGED'"));
        assertEquals("fifo", single("SELECT json_extract(properties, '$.policy') FROM events WHERE syscall = 1 "
                + "AND topic = 'aios/syscall/STARTED'"));

        assertEquals(2, single("SELECT count(*) FROM task_history"));
        assertEquals("COMPLETED|alice|storage.write|fifo|1000001|1000101|1000351|100|350|250|null",
                single("SELECT status || '|' || agent || '|' || kind || '|' || policy || '|' || arrival_us || '|' || "
                        + "start_us || '|' || end_us || '|' || waiting_us || '|' || turnaround_us || '|' || service_us "
                        + "|| '|' || ifnull(error, 'null') FROM task_history WHERE syscall = 1"));
        assertEquals("path 'x/../y' is refused", single("SELECT error FROM task_history WHERE syscall = 2"));
        assertEquals(2, single("SELECT count(*) FROM agents"));
    }

    @Test
    void aBurstThroughASmallQueueLosesNothing() throws Exception {
        int producers = 4;
        int perProducer = 25_000;
        DataCollector collector = new DataCollector(db, 64, 1024, 60_000, false);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        long t0 = System.nanoTime();
        List<Future<?>> done = new java.util.ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            done.add(pool.submit(() -> {
                for (int i = 0; i < perProducer; i++) {
                    String topic = i % 2 == 0 ? KernelEvents.SUBMITTED : KernelEvents.COMPLETED;
                    collector.handleEvent(syscallEvent(topic, base + i, "agent" + (i % 10), null));
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        collector.close();
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();

        int total = producers * perProducer;
        assertEquals(0L, collector.dropped());
        assertEquals(total, collector.written());
        assertEquals(total, single("SELECT count(*) FROM events"));
        assertEquals(total / 2, single("SELECT count(*) FROM task_history"));
        assertEquals(10, single("SELECT count(*) FROM agents"));
        System.out.printf("collector: %d events through a queue of 64 in %.2f s, %.0f events/s%n", total, seconds,
                total / seconds);
        assertTrue(seconds < 120, "took " + seconds + " s");
    }

    @Test
    void whenTheDatabaseCannotKeepUp_theWaitIsBounded_andTheDropCounted() throws Exception {
        DataCollector collector = new DataCollector(db, 1, 1, 50, false);
        // hold the write lock: the writer blocks on its first batch, the queue (1) fills, the next event waits 50 ms
        java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try {
                db.write(c -> {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new java.sql.SQLException(e);
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        holding.await();
        long t0 = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            collector.handleEvent(syscallEvent(KernelEvents.SUBMITTED, i, "alice", null));
        }
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        release.countDown();
        holder.join();
        collector.close();

        assertTrue(collector.dropped() >= 3, "dropped " + collector.dropped());
        assertEquals(5L, collector.dropped() + collector.written());
        assertTrue(waitedMs >= 150 && waitedMs < 5_000, "waited " + waitedMs + " ms");
    }
}
