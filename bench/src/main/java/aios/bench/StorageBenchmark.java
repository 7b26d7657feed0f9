package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.storage.SyscallHistory;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.MetaTypeService;

/**
 * {@code bench:storage}: how fast the storage manager persists and the memory manager serves.
 *
 * <p><b>Events.</b> Kernel-like syscall events ({@link SyscallEvents}) are posted to Event Admin, each finished
 * syscall is handed to the durable task history as the kernel hands it, and all is timed until the storage manager's
 * collector has committed every row, as seen through the database itself (read-only, in its own transactions):
 * persisted, not merely posted. In the same run the same rows, read back, go through a plain batched
 * JDBC loop into a database of the same shape and settings ({@link PlainInsertLoop}): the machine's limit. Rounds
 * alternate the two; medians are reported.
 *
 * <p><b>Memory.</b> Through the kernel, as agents do (memory syscalls on the memory queue): notes added by several
 * agents at once, then gets of random notes (in memory, and after {@code release_all} from the note store), and
 * retrievals: a throughput phase with every agent busy, and a latency phase one retrieval at a time.
 */
@Component(service = StorageBenchmark.class, property = {
        "osgi.command.scope=bench", "osgi.command.function=storage"})
public final class StorageBenchmark {

    private static final String MEMORY_AGENT = "bench-memory-";
    private static final int EVENT_AGENTS = 100;
    private static final int RETRIEVE_K = 10;
    private static final int QUERY_WORDS = 3;
    private static final long SEED = 20_260_101L;
    /**
     * Events posted but not yet persisted, at most: Event Admin queues posted events without bound, and the kernel's
     * own publisher would not outrun the collector by more than its backlog either.
     */
    private static final long EVENTS_IN_FLIGHT = 131_072;
    /** How long the collector may persist nothing while events are outstanding before the run is declared failed. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final List<String> SOURCES = List.of("chat", "tool", "plan", "observation");
    private static final List<String> NOTE_TABLES = List.of("notes", "note_metadata", "notes_fts");
    /** Notes the plain loop adds: enough for a steady rate, few enough not to lengthen the run much. */
    private static final int PLAIN_NOTES = 5_000;

    @Reference
    private Kernel kernel;
    @Reference
    private EventAdmin eventAdmin;
    @Reference
    private ConfigurationAdmin configurations;
    @Reference
    private MetaTypeService metatype;
    /** The kernel's durable task history, when the storage manager offers one (history.durable in aios.storage). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile SyscallHistory history;

    private BundleContext context;
    private long nextSyscall = 1_000_000_000L; // far from the kernel's own ids, which start at 1

    @Activate
    void activate(BundleContext bc) {
        context = bc;
    }

    @Descriptor("events persisted per second through the collector against a plain JDBC loop; memory add, get and "
            + "retrieve through the kernel")
    public String storage(
            @Descriptor("events per round through the collector and the plain loop")
            @Parameter(names = "--events", absentValue = "500000") int events,
            @Descriptor("memory notes to add") @Parameter(names = "--notes", absentValue = "100000") int notes,
            @Descriptor("agents adding, getting and retrieving notes at once")
            @Parameter(names = "--agents", absentValue = "8") int agents,
            @Descriptor("memory syscalls each agent keeps in flight")
            @Parameter(names = "--window", absentValue = "4") int window,
            @Descriptor("memory gets per round") @Parameter(names = "--gets", absentValue = "100000") int gets,
            @Descriptor("retrievals per round, in each of the throughput and the latency phase")
            @Parameter(names = "--queries", absentValue = "1000") int queries,
            @Descriptor("rounds; medians are reported") @Parameter(names = "--rounds", absentValue = "3") int rounds,
            @Descriptor("one JSON object") @Parameter(names = "--json", absentValue = "false",
                    presentValue = "true") boolean json) throws Exception {
        if (events < 3 || notes < 1 || agents < 1 || window < 1 || gets < 1 || queries < 1 || rounds < 1) {
            throw new IllegalArgumentException("--events must be ≥ 3; --notes, --agents, --window, --gets, --queries "
                    + "and --rounds ≥ 1");
        }
        StorageSettings settings = StorageSettings.of(context, configurations, metatype);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("bench", "storage");
        r.put("batch", settings.batch());
        r.put("rounds", rounds);
        try (StoredEvents stored = StoredEvents.open(awaitFile(settings.database()))) {
            r.putAll(events(stored, settings, events - events % 3, rounds));
            r.putAll(memory(stored, settings, notes, agents, window, gets, queries, rounds));
        }
        r.put("database_mb", round(megabytes(settings.database()), 1));
        return json ? KernelBenchmark.toJson(r) : KernelBenchmark.toTable(r).stripTrailing();
    }

    // ---------------------------------------------------------------- events

    private Map<String, Object> events(StoredEvents stored, StorageSettings settings, int n, int rounds)
            throws Exception {
        List<String> tables = List.of("agents", "events", "task_history");
        List<String> ddl = stored.schema(tables);
        Path full = settings.database().resolveSibling("bench-limit.db");
        Path eventsOnly = settings.database().resolveSibling("bench-limit-events.db");
        List<Double> collector = new ArrayList<>();
        List<Double> limit = new ArrayList<>();
        List<Double> limitEventsOnly = new ArrayList<>();
        boolean durable = false;
        try (PlainInsertLoop withHistory = PlainInsertLoop.create(full, ddl, settings.checkpointPages());
             PlainInsertLoop alone = PlainInsertLoop.create(eventsOnly, ddl, settings.checkpointPages())) {
            // warm-up, not counted: the collector's first event also tells that it is there
            int warm = (int) Math.min(n, 30_000);
            progress("warming up: %d events through the collector and the plain loop", warm);
            Persisted w = persist(stored, warm);
            withHistory.insert(w.events(), w.history(), settings.batch(), w.durable());
            alone.insert(w.events(), null, settings.batch(), false);
            for (int round = 1; round <= rounds; round++) {
                System.gc();
                Persisted p = persist(stored, n);
                collector.add(n * 1e9 / p.nanos());
                progress("round %d/%d: the collector persisted %d events at %.0f/s", round, rounds, n,
                        collector.getLast());
                System.gc();
                limit.add(n * 1e9 / withHistory.insert(p.events(), p.history(), settings.batch(), p.durable()));
                durable = p.durable();
                System.gc();
                limitEventsOnly.add(n * 1e9 / alone.insert(p.events(), null, settings.batch(), false));
                progress("round %d/%d: the plain loop inserted them at %.0f/s (%.0f/s without task history)", round,
                        rounds, limit.getLast(), limitEventsOnly.getLast());
            }
        }
        double events = Rates.median(collector);
        double limitEvents = Rates.median(limit);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("events", n);
        // durable: the kernel's task history (SyscallHistory) wrote the history rows; events: the collector made them
        r.put("history", durable ? "durable" : "events");
        r.put("events_per_s", round(events, 0));
        r.put("limit_events_per_s", round(limitEvents, 0));
        r.put("ratio", round(Rates.ratio(events, limitEvents), 2));
        r.put("limit_events_only_per_s", round(Rates.median(limitEventsOnly), 0));
        r.put("events_per_s_rounds", Rates.list(collector));
        r.put("limit_events_per_s_rounds", Rates.list(limit));
        return r;
    }

    /**
     * Events the collector committed, how long it took, its rows as written, and whether the kernel's durable task
     * history wrote the history rows (else the collector made them from the events).
     */
    private record Persisted(long nanos, StoredEvents.Rows events, StoredEvents.Rows history, boolean durable) {
    }

    /**
     * Posts {@code n} events and, for each finished syscall, hands it to the durable task history as the kernel does
     * (when one is installed); then waits until the collector has committed every event and acknowledged every
     * history row. The time is from the first post to the later of the last commit and the last acknowledgment.
     */
    private Persisted persist(StoredEvents stored, int n) throws Exception {
        long firstEvent = stored.lastEvent();
        long firstHistory = stored.lastHistory();
        SyscallEvents stream = new SyscallEvents(nextSyscall, EVENT_AGENTS, System.currentTimeMillis() * 1000);
        long syscalls = n / 3;
        nextSyscall += syscalls + 1;
        SyscallHistory recorder = history;
        AtomicLong persisted = new AtomicLong();
        LongAdder acknowledged = new LongAdder();
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        long t0 = System.nanoTime();
        Thread poster = Thread.ofPlatform().name("bench-storage-poster").start(() -> {
            try {
                for (long i = 0; i < n; i++) {
                    while (i - persisted.get() > EVENTS_IN_FLIGHT) {
                        LockSupport.parkNanos(200_000);
                    }
                    // as the kernel: a finished syscall goes to the task history first, then its event
                    if (recorder != null && SyscallEvents.finishes(i)) {
                        recorder.record(stream.finished(i), SyscallEvents.PRIORITY, acknowledged::increment);
                    }
                    eventAdmin.postEvent(stream.event(i, recorder != null));
                }
            } catch (RuntimeException e) {
                failed.set(e);
            }
        });
        long done;
        try {
            done = awaitRows(() -> {
                if (failed.get() != null) {
                    throw new IllegalStateException("posting the events failed: " + failed.get().getMessage(),
                            failed.get());
                }
                try {
                    long p = stored.lastEvent() - firstEvent;
                    persisted.set(p);
                    return p;
                } catch (SQLException e) {
                    throw new IllegalStateException("reading the collector's progress in " + stored.file()
                            + " failed: " + e.getMessage(), e);
                }
            }, n, "events posted to Event Admin");
            if (recorder != null) {
                done = Math.max(done, awaitRows(acknowledged::sum, syscalls, "syscalls handed to the task history"));
            }
        } finally {
            persisted.set(Long.MAX_VALUE / 2); // lets the poster finish whatever happened
            poster.join();
        }
        long events = stored.count("events", firstEvent, SyscallEvents.AGENT_PREFIX);
        long histories = stored.count("task_history", firstHistory, SyscallEvents.AGENT_PREFIX);
        if (events != n || histories != syscalls) {
            throw new IllegalStateException("the collector wrote " + events + " of the " + n + " events posted and "
                    + histories + " of the " + syscalls + " history rows: rows were lost or written twice (log "
                    + "error in the shell shows the collector's errors)");
        }
        return new Persisted(done - t0, stored.rows("events", firstEvent), stored.rows("task_history", firstHistory),
                recorder != null);
    }

    /**
     * Polls {@code rows} (committed so far) until it reaches {@code n}; returns the {@link System#nanoTime} at which it
     * did. Fails when nothing new is committed for {@link #STALL_NANOS}.
     */
    private static long awaitRows(LongSupplier rows, long n, String what) throws InterruptedException {
        long last = -1;
        long lastChange = System.nanoTime();
        long lastReport = lastChange;
        for (;;) {
            long now = System.nanoTime();
            long seen = rows.getAsLong();
            if (seen >= n) {
                return now;
            }
            if (seen != last) {
                last = seen;
                lastChange = now;
            } else if (now - lastChange > STALL_NANOS) {
                throw new IllegalStateException("the collector committed " + seen + " of " + n + " " + what
                        + " and nothing more for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s: events were "
                        + "dropped or the storage manager is not running (log error and lb in the shell tell which)");
            }
            if (now - lastReport > TimeUnit.SECONDS.toNanos(5)) {
                lastReport = now;
                progress("  %d of %d %s persisted", seen, n, what);
            }
            Thread.sleep(1);
        }
    }

    /** Waits until the collector has committed the events of the syscalls since row {@code base}: 3 per syscall. */
    private static void awaitCollector(StoredEvents stored, long base, long syscalls) throws InterruptedException {
        awaitRows(() -> {
            try {
                return stored.lastEvent() - base;
            } catch (SQLException e) {
                throw new IllegalStateException("reading the collector's progress in " + stored.file() + " failed: "
                        + e.getMessage(), e);
            }
        }, SyscallEvents.eventsOf(syscalls), "events of memory syscalls");
    }

    // ---------------------------------------------------------------- memory

    private Map<String, Object> memory(StoredEvents stored, StorageSettings settings, int notes, int agents,
                                       int window, int gets, int queries, int rounds) throws Exception {
        List<String> names = new ArrayList<>();
        for (int a = 0; a < agents; a++) {
            names.add(kernel.register(MEMORY_AGENT + a).name());
        }
        try {
            awaitMemoryManager(names.getFirst());
            awaitQuiet(stored);
            NoteText text = new NoteText(SEED, 20_000, 6, 24);
            String[] contents = new String[notes];
            for (int i = 0; i < notes; i++) {
                contents[i] = text.note();
            }
            // note i belongs to agent i % agents; ids[a][j] is the id of that agent's j-th note
            String[][] ids = new String[agents][];
            for (int a = 0; a < agents; a++) {
                ids[a] = new String[share(notes, agents, a)];
            }
            // the limit: durable adds in a plain loop, one transaction each, nothing else writing
            int plain = Math.min(notes, PLAIN_NOTES);
            double limitAdds;
            try (PlainInsertLoop loop = PlainInsertLoop.create(
                    stored.file().resolveSibling("bench-limit-notes.db"), stored.schema(NOTE_TABLES),
                    settings.checkpointPages())) {
                limitAdds = plain * 1e9 / loop.addNotes(List.of(contents).subList(0, plain),
                        Map.of("source", SOURCES.getFirst()));
            }
            progress("the plain loop added %d notes at %.0f/s, one transaction each", plain, limitAdds);
            progress("adding %d notes through the kernel: %d agents, %d in flight each", notes, agents, window);
            long base = stored.lastEvent();
            LongAdder added = new LongAdder();
            SyscallLoad.Phase add;
            try (Ticker ignored = Ticker.every(Duration.ofSeconds(5),
                    () -> progress("  %d of %d notes added", added.sum(), notes))) {
                add = SyscallLoad.closedLoop(kernel, "memory add", agents, a -> share(notes, agents, a), window,
                        (a, j) -> new MemoryQuery(names.get(a), new MemoryOperation.Add(contents[j * agents + a],
                                Map.of("source", SOURCES.get((j * agents + a) % SOURCES.size())))),
                        (a, j, result) -> {
                            ids[a][j] = ((MemoryResult) result).id();
                            added.increment();
                        });
            }
            progress("added %d notes at %.0f/s; waiting for the collector to persist their events", notes,
                    add.perSecond());
            awaitCollector(stored, base, notes);

            SplittableRandom random = new SplittableRandom(SEED);
            List<Double> getRates = new ArrayList<>();
            List<Double> retrieveRates = new ArrayList<>();
            List<SyscallLoad.Phase> latencies = new ArrayList<>();
            LongAdder found = new LongAdder();
            for (int round = 1; round <= rounds; round++) {
                int[][] picked = new int[agents][];
                for (int a = 0; a < agents; a++) {
                    picked[a] = random.ints(share(gets, agents, a), 0, ids[a].length).toArray();
                }
                System.gc();
                base = stored.lastEvent();
                SyscallLoad.Phase g = SyscallLoad.closedLoop(kernel, "memory get", agents, a -> share(gets, agents, a),
                        window, (a, j) -> new MemoryQuery(names.get(a), new MemoryOperation.Get(ids[a][picked[a][j]])),
                        (a, j, result) -> { });
                getRates.add(g.perSecond());
                awaitCollector(stored, base, gets);

                List<String[]> asked = queries(text, random, contents, ids, agents, queries);
                System.gc();
                base = stored.lastEvent();
                SyscallLoad.Phase t = SyscallLoad.closedLoop(kernel, "memory retrieve", agents,
                        a -> share(queries, agents, a), window, (a, j) -> retrieve(asked.get(j * agents + a)),
                        (a, j, result) -> { });
                retrieveRates.add(t.perSecond());
                awaitCollector(stored, base, queries);

                System.gc();
                base = stored.lastEvent();
                SyscallLoad.Phase l = SyscallLoad.oneAtATime(kernel, "memory retrieve", queries,
                        j -> retrieve(asked.get(j)), (j, result) -> {
                            String wanted = asked.get(j)[2];
                            if (((MemoryResult) result).hits().stream().anyMatch(h -> h.id().equals(wanted))) {
                                found.increment();
                            }
                        });
                latencies.add(l);
                awaitCollector(stored, base, queries);
                progress("round %d/%d: %.0f gets/s, %.0f retrievals/s, retrieval p95 %.2f ms", round, rounds,
                        g.perSecond(), t.perSecond(), l.latencies().percentileMicros(95) / 1000);
            }

            // every note out of memory: gets now read the note store
            base = stored.lastEvent();
            for (String name : names) {
                kernel.submit(new MemoryQuery(name, new MemoryOperation.ReleaseAll())).result().toCompletableFuture()
                        .join();
            }
            awaitCollector(stored, base, names.size());
            int cold = Math.min(gets, notes);
            int[][] order = new int[agents][];
            for (int a = 0; a < agents; a++) {
                order[a] = permutation(random, ids[a].length);
            }
            System.gc();
            base = stored.lastEvent();
            SyscallLoad.Phase fromStore = SyscallLoad.closedLoop(kernel, "memory get from the note store", agents,
                    a -> Math.min(share(cold, agents, a), ids[a].length), window,
                    (a, j) -> new MemoryQuery(names.get(a), new MemoryOperation.Get(ids[a][order[a][j]])),
                    (a, j, result) -> { });
            awaitCollector(stored, base, fromStore.count());
            progress("%d gets from the note store at %.0f/s", fromStore.count(), fromStore.perSecond());

            double p95 = Rates.median(latencies.stream().map(l -> l.latencies().percentileMicros(95)).toList());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("notes", notes);
            r.put("agents", agents);
            r.put("window", window);
            r.put("mem_add_per_s", round(add.perSecond(), 0));
            r.put("mem_add_p95_ms", round(add.latencies().percentileMicros(95) / 1000, 2));
            r.put("limit_mem_add_per_s", round(limitAdds, 0));
            r.put("mem_get_per_s", round(Rates.median(getRates), 0));
            r.put("mem_get_store_per_s", round(fromStore.perSecond(), 0));
            r.put("mem_retrieve_per_s", round(Rates.median(retrieveRates), 0));
            r.put("retrieve_p50_ms", round(Rates.median(latencies.stream()
                    .map(l -> l.latencies().percentileMicros(50)).toList()) / 1000, 2));
            r.put("retrieve_p95_ms", round(p95 / 1000, 2));
            r.put("retrieve_p99_ms", round(Rates.median(latencies.stream()
                    .map(l -> l.latencies().percentileMicros(99)).toList()) / 1000, 2));
            r.put("retrieve_found", round(found.sum() / (double) (rounds * (long) queries), 3));
            return r;
        } finally {
            names.forEach(kernel::unregister);
        }
    }

    private static MemoryQuery retrieve(String[] asked) {
        return new MemoryQuery(asked[0], new MemoryOperation.Retrieve(asked[1], RETRIEVE_K, Map.of()));
    }

    /**
     * Queries as agents ask them: {agent, query, id of the note it was made from}, query j from agent j % agents, made
     * from words of one of that agent's notes.
     */
    private static List<String[]> queries(NoteText text, SplittableRandom random, String[] contents, String[][] ids,
                                          int agents, int n) {
        List<String[]> asked = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            int a = j % agents;
            int k = random.nextInt(ids[a].length);
            asked.add(new String[] {MEMORY_AGENT + a, text.queryFor(contents[k * agents + a], QUERY_WORDS), ids[a][k]});
        }
        return asked;
    }

    /** Waits (at most 10 s) until memory syscalls are served: the memory manager may still be starting. */
    private void awaitMemoryManager(String agent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (;;) {
            try {
                kernel.submit(new MemoryQuery(agent, new MemoryOperation.ReleaseAll())).result()
                        .toCompletableFuture().join();
                return;
            } catch (SyscallRejectedException e) {
                if (e.reason() != SyscallRejectedException.Reason.NO_SERVICE || System.nanoTime() > deadline) {
                    throw new IllegalStateException("memory syscalls are refused: " + e.getMessage(), e);
                }
                Thread.sleep(50);
            }
        }
    }

    /**
     * Waits until the collector has committed nothing new for 200 ms (at most 30 s): after syscalls whose events are
     * not counted, such as the probes of {@link #awaitMemoryManager}.
     */
    private static void awaitQuiet(StoredEvents stored) throws InterruptedException, SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = stored.lastEvent();
        do {
            Thread.sleep(200);
            long now = stored.lastEvent();
            if (now == last) {
                return;
            }
            last = now;
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("the collector kept writing events for 30 s with no syscalls running: "
                + "something else is sending aios/* events; run the bench on a kernel of its own");
    }

    /** Waits (at most 10 s) for the storage manager to create its database file. */
    private static Path awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.isRegularFile(file) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return file;
    }

    /** Agent {@code a}'s share of {@code n} items dealt out in turn to {@code agents}. */
    private static int share(int n, int agents, int a) {
        return n / agents + (a < n % agents ? 1 : 0);
    }

    private static int[] permutation(SplittableRandom random, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static double megabytes(Path database) throws java.io.IOException {
        long bytes = 0;
        for (String suffix : List.of("", "-wal")) {
            Path f = database.resolveSibling(database.getFileName() + suffix);
            if (Files.exists(f)) {
                bytes += Files.size(f);
            }
        }
        return bytes / 1e6;
    }

    /** Rounded to {@code decimals}; a whole number (a {@code long}) for 0, so that it prints without ".0". */
    private static Number round(double v, int decimals) {
        if (decimals == 0) {
            return Math.round(v);
        }
        double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    private static void progress(String format, Object... args) {
        System.err.println("bench:storage: " + String.format(format, args));
    }
}
