package aios.manager.storage;

import aios.kernel.api.SyscallInfo;
import aios.kernel.api.Timings;
import aios.kernel.api.event.KernelEvents;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The DataCollector: persists every kernel event ({@code aios/*}) and, for each finished syscall (COMPLETED,
 * FAILED, CANCELLED), a task-history row. {@link #handleEvent} only turns the event into a row and queues it; one
 * writer thread takes what is queued, up to {@code collector.batch} rows, and writes them in one transaction.
 *
 * <p>With {@code history.durable} (the default) the history rows come from {@link #record}, which the kernel calls
 * through {@link DurableHistory} before it acknowledges a syscall: they share the queue and the transactions with
 * the events (group commit), and each one's acknowledgment runs once its transaction has committed. Without it, the
 * rows come from the COMPLETED, FAILED and CANCELLED events, written after the acknowledgment; so do the rows of
 * syscalls the kernel finished while no task history was installed (their events lack {@code recorded}).
 *
 * <p>Backpressure: when the queue is full, {@link #handleEvent} waits for room, which slows Event Admin's delivery
 * and so the kernel's publisher, instead of dropping events. The wait is bounded ({@code collector.wait.ms}): a
 * database that cannot take one batch in that time is broken or gone, and waiting forever would stall every other
 * handler of Event Admin with it. Then the event is dropped, counted, and the drop logged as an error. On
 * deactivation everything queued is written before the connection goes.
 */
@Component(service = {EventHandler.class, DataCollector.class}, configurationPid = Database.PID,
        property = {EventConstants.EVENT_TOPIC + "=aios/*", DataCollector.DURABLE + ":Boolean=true"})
public final class DataCollector implements EventHandler {

    /** The service property (from the configuration) that {@link DurableHistory} requires to be true. */
    static final String DURABLE = "history.durable";

    /** A finished syscall's row; {@code null} fields were not known. */
    record History(long syscall, String agent, String resource, String kind, String policy, Integer priority,
                   String status, long arrival, Long start, long end, Long waiting, Long turnaround, String error) {

        static History of(SyscallInfo s, int priority) {
            Timings t = s.timings();
            if (s.agent() == null || t == null || t.arrival() == null || t.end() == null || s.status() == null
                    || !s.status().isFinal()) {
                throw new IllegalArgumentException("syscall " + s.id() + " of agent " + s.agent() + " is not finished"
                        + " (status " + s.status() + ", timings " + t + "): record a syscall once it has ended");
            }
            return new History(s.id(), s.agent(), s.resource() == null ? null : s.resource().id(), s.kind(),
                    s.policy(), priority, s.status().name(), Clock.micros(t.arrival()),
                    t.start() == null ? null : Clock.micros(t.start()), Clock.micros(t.end()),
                    t.waiting() == null ? null : t.waiting().toNanos() / 1_000, t.turnaround().toNanos() / 1_000,
                    s.error());
        }
    }

    /** What the writer takes from the queue. */
    sealed interface Entry permits Recorded, Finished {
    }

    /** An event as it is written. */
    record Recorded(String topic, long timeUs, String agent, Long syscall, String properties, History history)
            implements Entry {
    }

    /** A finished syscall from the kernel: its history row, and its acknowledgment to run once the row is durable. */
    record Finished(History history, Runnable durable) implements Entry {
    }

    private static final Recorded STOP = new Recorded("", 0, null, null, "", null);
    private static final int RETRIES = 3;
    /** The first pause before a failed batch is tried again; each next one is four times as long. */
    volatile long retryPauseMs = 400;

    @Reference
    private Database db;
    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    private volatile Logger log;

    private ArrayBlockingQueue<Entry> queue;
    private int capacity;
    private int batch;
    private long waitMs;
    /** History rows come from {@link #record}, not from events. */
    private boolean durableHistory;
    private Thread writer;
    // handleEvent holds the read lock while it queues; close takes the write lock to stop admission, so that no
    // event can be queued behind the writer's stop mark
    private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
    private boolean open;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong historyRows = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unrecorded = new AtomicLong();
    private volatile long lastDropLogNanos;

    /** For DS. */
    public DataCollector() {
    }

    DataCollector(Database db, int queueSize, int batch, long waitMs, boolean durableHistory) {
        this.db = db;
        start(queueSize, batch, waitMs, durableHistory);
    }

    @Activate
    void activate(StorageConfig config) {
        start(config.collector_queue(), config.collector_batch(), config.collector_wait_ms(),
                config.history_durable());
    }

    private void start(int queueSize, int batchSize, long wait, boolean durable) {
        if (queueSize < 1 || batchSize < 1 || wait < 0) {
            throw new IllegalArgumentException("collector.queue=" + queueSize + ", collector.batch=" + batchSize
                    + ", collector.wait.ms=" + wait + " in " + Database.PID + " are not accepted: use a queue and a "
                    + "batch of at least 1 and a wait of at least 0 ms");
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        capacity = queueSize;
        batch = batchSize;
        waitMs = wait;
        durableHistory = durable;
        open = true;
        writer = Thread.ofPlatform().daemon(true).name("aios-data-collector").start(this::writeLoop);
    }

    /**
     * Stops taking events and history entries, writes every queued one (acknowledging the entries), and waits for
     * the writer to finish.
     */
    @Deactivate
    void close() {
        admission.writeLock().lock();
        try {
            if (!open) {
                return;
            }
            open = false;
        } finally {
            admission.writeLock().unlock();
        }
        try {
            queue.put(STOP); // the writer keeps taking, so there is room soon
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void handleEvent(Event event) {
        Recorded r = record(event, Clock.micros());
        if (durableHistory && r.history() != null && Boolean.TRUE.equals(event.getProperty(KernelEvents.RECORDED))) {
            // the kernel recorded this syscall through record() already: one row per syscall. One it did not record
            // (no task history was installed yet, as while the bundles start) gets its row from the event
            r = new Recorded(r.topic(), r.timeUs(), r.agent(), r.syscall(), r.properties(), null);
        }
        admission.readLock().lock();
        try {
            if (!open) {
                drop(r, "the collector is stopping");
                return;
            }
            if (queue.offer(r) || queue.offer(r, waitMs, TimeUnit.MILLISECONDS)) {
                return;
            }
            drop(r, "the queue (collector.queue=" + capacity + ") stayed full for "
                    + waitMs + " ms (collector.wait.ms): the database " + db.file() + " is not keeping up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(r, "the delivering thread was interrupted while it waited for room");
        } finally {
            admission.readLock().unlock();
        }
    }

    /**
     * Queues a finished syscall's history row; {@code durable} runs once it is on disk, on a thread of its own. When
     * the queue stays full for {@code collector.wait.ms}, or the collector is stopping, the row is not written: the
     * error is logged and {@code durable} runs all the same, so the caller is never left waiting.
     */
    void record(SyscallInfo finished, int priority, Runnable durable) {
        Finished f = new Finished(History.of(finished, priority), durable);
        admission.readLock().lock();
        try {
            if (!open) {
                unrecorded(List.of(f), "the data collector is stopping");
                return;
            }
            if (queue.offer(f) || queue.offer(f, waitMs, TimeUnit.MILLISECONDS)) {
                return;
            }
            unrecorded(List.of(f), "the queue (collector.queue=" + capacity + ") stayed full for " + waitMs
                    + " ms (collector.wait.ms): the database " + db.file() + " is not keeping up");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unrecorded(List.of(f), "the recording thread was interrupted while it waited for room");
        } finally {
            admission.readLock().unlock();
        }
    }

    /** History entries that could not be written: logged, counted, and acknowledged all the same. */
    private void unrecorded(List<Finished> entries, String why) {
        long n = unrecorded.addAndGet(entries.size());
        Logger l = log;
        if (l != null) {
            String ids = entries.stream().limit(10).map(f -> f.history().syscall() + " (" + f.history().agent() + ")")
                    .collect(Collectors.joining(", "));
            l.error("the task history misses {} finished syscalls, acknowledged without a durable history row: "
                    + "syscall {}{}: {}; {} in all", entries.size(), ids, entries.size() > 10 ? ", …" : "", why, n);
        }
        acknowledge(entries);
    }

    /** Runs each entry's acknowledgment on a virtual thread: what it triggers in the caller never holds the writer. */
    private void acknowledge(List<Finished> entries) {
        for (Finished f : entries) {
            Thread.ofVirtual().name("aios-history-ack-" + f.history().syscall()).start(() -> {
                try {
                    f.durable().run();
                } catch (RuntimeException | Error e) {
                    Logger l = log;
                    if (l != null) {
                        l.error("the acknowledgment of syscall {} (agent {}) failed after its history row was "
                                + "written: {}", f.history().syscall(), f.history().agent(), e.toString(), e);
                    }
                }
            });
        }
    }

    /** History entries that could not be written (queue full, writing failed, stopping); each was acknowledged. */
    long unrecorded() {
        return unrecorded.get();
    }

    /** Events written so far. */
    long written() {
        return written.get();
    }

    /** Task-history rows written so far. */
    long historyRows() {
        return historyRows.get();
    }

    /** Events dropped so far (each one logged). */
    long dropped() {
        return dropped.get();
    }

    private void drop(Recorded r, String why) {
        long n = dropped.incrementAndGet();
        long now = System.nanoTime();
        Logger l = log;
        // at most one line a second: a flood of identical errors would hide everything else in the log
        if (l != null && (n == 1 || now - lastDropLogNanos > 1_000_000_000L)) {
            lastDropLogNanos = now;
            l.error("the data collector dropped event {} (syscall {}, agent {}): {}; {} dropped in all", r.topic(),
                    r.syscall(), r.agent(), why, n);
        }
    }

    // ---------------------------------------------------------------- events to rows

    static Recorded record(Event e, long nowMicros) {
        String topic = e.getTopic();
        String agent = e.getProperty(KernelEvents.AGENT) instanceof String s ? s : null;
        Long syscall = longOf(e.getProperty(KernelEvents.ID));
        Long arrival = longOf(e.getProperty(KernelEvents.ARRIVAL));
        Long start = longOf(e.getProperty(KernelEvents.START));
        Long end = longOf(e.getProperty(KernelEvents.END));
        // a syscall step's own time; any other event's time of arrival here (or its event.timestamp)
        Long time = switch (topic) {
            case KernelEvents.SUBMITTED -> arrival;
            case KernelEvents.STARTED, KernelEvents.PREEMPTED -> start;
            case KernelEvents.COMPLETED, KernelEvents.FAILED, KernelEvents.CANCELLED, KernelEvents.DEADLINE_MISSED -> end;
            default -> {
                Long ms = longOf(e.getProperty(EventConstants.TIMESTAMP));
                yield ms == null ? null : ms * 1000;
            }
        };
        History history = null;
        String status = switch (topic) {
            case KernelEvents.COMPLETED -> "COMPLETED";
            case KernelEvents.FAILED -> "FAILED";
            case KernelEvents.CANCELLED -> "CANCELLED";
            default -> null;
        };
        if (status != null && syscall != null && agent != null && arrival != null && end != null) {
            history = new History(syscall, agent, string(e.getProperty(KernelEvents.RESOURCE)),
                    string(e.getProperty(KernelEvents.KIND)), string(e.getProperty(KernelEvents.POLICY)),
                    e.getProperty(KernelEvents.PRIORITY) instanceof Integer p ? p : null, status, arrival, start, end,
                    longOf(e.getProperty(KernelEvents.WAITING)), longOf(e.getProperty(KernelEvents.TURNAROUND)),
                    string(e.getProperty(KernelEvents.ERROR)));
        }
        String properties = JsonText.object(e.getPropertyNames(), EventConstants.EVENT_TOPIC, e::getProperty);
        return new Recorded(topic, time == null ? nowMicros : time, agent, syscall, properties, history);
    }

    private static Long longOf(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }

    private static String string(Object o) {
        return o == null ? null : o.toString();
    }

    // ---------------------------------------------------------------- the writer

    private void writeLoop() {
        List<Entry> rows = new ArrayList<>(batch);
        boolean stop = false;
        while (!stop) {
            try {
                rows.add(queue.take());
            } catch (InterruptedException e) {
                // only close() ends this thread, through STOP: an interrupt from elsewhere must not lose events
                continue;
            }
            queue.drainTo(rows, batch - 1);
            stop = rows.removeIf(e -> e == STOP); // by identity: a record's equals compares every field
            if (stop) {
                queue.drainTo(rows); // admission is closed: nothing can follow
            }
            if (!rows.isEmpty()) {
                writeWithRetries(rows);
            }
            rows.clear();
        }
    }

    /** Writes a batch in one transaction, then acknowledges its history entries (outside the database's lock). */
    private void writeWithRetries(List<Entry> rows) {
        List<Finished> finished = new ArrayList<>();
        int events = 0;
        for (Entry e : rows) {
            switch (e) {
                case Finished f -> finished.add(f);
                case Recorded r -> events++;
            }
        }
        for (int attempt = 1; ; attempt++) {
            try {
                int histories = db.write(c -> write(c, rows));
                written.addAndGet(events);
                historyRows.addAndGet(histories);
            } catch (SQLException | RuntimeException e) {
                Logger l = log;
                if (attempt > RETRIES) {
                    dropped.addAndGet(events);
                    if (l != null) {
                        l.error("the data collector could not write {} events and {} history rows to {} after {} "
                                + "attempts, and dropped them: {}", events, finished.size(), db.file(), attempt,
                                e.getMessage());
                    }
                    if (!finished.isEmpty()) {
                        unrecorded(finished, "writing to " + db.file() + " failed " + attempt + " times: "
                                + e.getMessage());
                    }
                    return;
                }
                if (l != null) {
                    l.warn("the data collector could not write {} events and {} history rows to {} (attempt {} of "
                            + "{}): {}", events, finished.size(), db.file(), attempt, RETRIES + 1, e.getMessage());
                }
                try {
                    // 0.4 s, 1.6 s, 6.4 s: time for a lock or disk to clear
                    Thread.sleep(retryPauseMs << (2 * (attempt - 1)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                continue;
            }
            // committed: outside the try, so that nothing here can make the batch be written twice
            acknowledge(finished);
            return;
        }
    }

    /** Writes the rows; returns how many task-history rows were among them. */
    private static int write(Connection c, List<Entry> rows) throws SQLException {
        Map<String, Long> agents = new HashMap<>();
        for (Entry e : rows) {
            switch (e) {
                case Recorded r when r.agent() != null
                        && (r.history() != null || r.topic().equals(KernelEvents.SUBMITTED)) ->
                        agents.merge(r.agent(), r.timeUs(), Math::max);
                case Finished f -> agents.merge(f.history().agent(), f.history().end(), Math::max);
                default -> { }
            }
        }
        try (PreparedStatement a = c.prepareStatement("INSERT INTO agents(name, first_seen_us, last_seen_us) VALUES "
                + "(?, ?, ?) ON CONFLICT(name) DO UPDATE SET last_seen_us = max(last_seen_us, excluded.last_seen_us)");
             PreparedStatement ev = c.prepareStatement("INSERT INTO events(topic, time_us, agent, syscall, properties) "
                     + "VALUES (?, ?, ?, ?, ?)");
             PreparedStatement h = c.prepareStatement("INSERT INTO task_history(syscall, agent, resource, kind, "
                     + "policy, priority, status, arrival_us, start_us, end_us, waiting_us, turnaround_us, service_us, "
                     + "error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, Long> e : agents.entrySet()) {
                a.setString(1, e.getKey());
                a.setLong(2, e.getValue());
                a.setLong(3, e.getValue());
                a.addBatch();
            }
            a.executeBatch();
            int histories = 0;
            for (Entry e : rows) {
                History t = switch (e) {
                    case Recorded r -> {
                        ev.setString(1, r.topic());
                        ev.setLong(2, r.timeUs());
                        ev.setString(3, r.agent());
                        setLong(ev, 4, r.syscall());
                        ev.setString(5, r.properties());
                        ev.addBatch();
                        yield r.history();
                    }
                    case Finished f -> f.history();
                };
                if (t != null) {
                    histories++;
                    h.setLong(1, t.syscall());
                    h.setString(2, t.agent());
                    h.setString(3, t.resource() == null ? "" : t.resource());
                    h.setString(4, t.kind() == null ? "" : t.kind());
                    h.setString(5, t.policy());
                    if (t.priority() == null) {
                        h.setNull(6, Types.INTEGER);
                    } else {
                        h.setInt(6, t.priority());
                    }
                    h.setString(7, t.status());
                    h.setLong(8, t.arrival());
                    setLong(h, 9, t.start());
                    h.setLong(10, t.end());
                    setLong(h, 11, t.waiting());
                    setLong(h, 12, t.turnaround());
                    setLong(h, 13, t.start() == null ? null : t.end() - t.start());
                    h.setString(14, t.error());
                    h.addBatch();
                }
            }
            ev.executeBatch();
            h.executeBatch();
            return histories;
        }
    }

    private static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setLong(i, v);
        }
    }
}
