package aios.manager.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.storage.NoteStore;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Many threads add, read, update and release notes of several agents under a global limit a few notes wide: every
 * acknowledged write is read back as written, the limit holds after every eviction, and the figures add up.
 */
class ConcurrentMemoryTest {

    private static final int THREADS = 8;
    private static final int AGENTS = 3;
    private static final int OPERATIONS = 2_000;
    private static final long LIMIT = 2_000;

    @Test
    void manyThreadsAcrossAgents_loseNothing_andKeepWithinTheLimit() throws Exception {
        TermFrequencyNoteStore store = new TermFrequencyNoteStore();
        store.slow = true;
        AgentMemories m = new AgentMemories(store, new MemorySettings(0, LIMIT, 75, 0.2, Duration.ofHours(24)),
                Clock.systemUTC());
        EventRecorder events = new EventRecorder();
        m.eventAdmin = events;

        // per agent, shared by its threads: every version each note had, and the one its owner wrote last
        Map<String, Map<String, Set<String>>> versions = new ConcurrentHashMap<>();
        Map<String, Map<String, String>> latest = new ConcurrentHashMap<>();
        Map<String, List<String>> shared = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        List<String> overLimit = new ArrayList<>();
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                MemoryUsage u = m.usage();
                long sum = u.agents().stream().mapToLong(MemoryUsage.Agent::residentBytes).sum();
                if (u.residentBytes() > LIMIT || sum != u.residentBytes()) {
                    synchronized (overLimit) {
                        overLimit.add(u.toString());
                    }
                }
                LockSupport.parkNanos(200_000); // leave the cores to the workers
            }
        });
        watcher.start();

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            futures.add(pool.submit(() -> {
                start.await();
                String agent = "agent-" + thread % AGENTS;
                Random random = new Random(thread);
                Map<String, Set<String>> seen = versions.computeIfAbsent(agent, a -> new ConcurrentHashMap<>());
                Map<String, String> last = latest.computeIfAbsent(agent, a -> new ConcurrentHashMap<>());
                List<String> ids = shared.computeIfAbsent(agent, a -> new CopyOnWriteArrayList<>());
                List<String> own = new ArrayList<>();
                for (int i = 0; i < OPERATIONS; i++) {
                    int dice = random.nextInt(10);
                    if (own.isEmpty() || dice < 3) {
                        String content = "thread " + thread + " note " + i + " " + "x".repeat(random.nextInt(60));
                        String id = run(m, agent, new MemoryOperation.Add(content, Map.of("thread", "" + thread)))
                                .id();
                        seen.put(id, ConcurrentHashMap.newKeySet());
                        seen.get(id).add(content);
                        last.put(id, content);
                        own.add(id);
                        ids.add(id);
                    } else if (dice < 7) { // any note of the agent, perhaps one its other thread is updating
                        String id = ids.get(random.nextInt(ids.size()));
                        String content = run(m, agent, new MemoryOperation.Get(id)).content();
                        if (own.contains(id)) { // its only writer reads what it wrote last
                            assertEquals(last.get(id), content, "note " + id + " read by its writer");
                        } else {
                            assertTrue(seen.get(id).contains(content), "note " + id + " read as '" + content
                                    + "', which was never written");
                        }
                    } else if (dice < 9) {
                        String id = own.get(random.nextInt(own.size()));
                        String content = "thread " + thread + " updated " + i + " " + "y".repeat(random.nextInt(60));
                        seen.get(id).add(content); // before the write: a reader may see it as soon as it is stored
                        run(m, agent, new MemoryOperation.Update(id, content, Map.of("thread", "" + thread)));
                        last.put(id, content);
                    } else {
                        m.released(agent); // as if the kernel unregistered the agent while its threads work
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        done.set(true);
        watcher.join();

        assertEquals(List.of(), overLimit, "moments when memory passed the limit or the agents' shares did not add up");
        MemoryUsage u = m.usage();
        assertTrue(u.residentBytes() <= LIMIT, u.toString());
        assertTrue(u.evictions() > 0, "the limit was small enough to evict: " + u);
        assertEquals(u.residentBytes(), u.agents().stream().mapToLong(MemoryUsage.Agent::residentBytes).sum());
        assertEquals(u.residentNotes(), u.agents().stream().mapToInt(MemoryUsage.Agent::residentNotes).sum());

        for (Map.Entry<String, Map<String, String>> agent : latest.entrySet()) {
            List<NoteStore.Note> stored = store.list(agent.getKey(), Integer.MAX_VALUE);
            assertEquals(agent.getValue().size(), stored.size(), agent.getKey());
            for (NoteStore.Note n : stored) {
                assertEquals(agent.getValue().get(n.id()), n.content());
                // from memory where it is still there: memory and store must agree
                assertEquals(n.content(), run(m, agent.getKey(), new MemoryOperation.Get(n.id())).content());
            }
            MemoryUsage.Agent share = m.usage().agents().stream().filter(a -> a.agent().equals(agent.getKey()))
                    .findFirst().orElseThrow();
            assertEquals(stored.stream().mapToLong(NoteSize::of).sum(), share.storedBytes(), agent.getKey());
            assertEquals(stored.size(), share.storedNotes());
        }
        assertTrue(m.usage().residentBytes() <= LIMIT);
    }

    private static MemoryResult run(AgentMemories m, String agent, MemoryOperation op) {
        return m.execute(new MemoryQuery(agent, op));
    }
}
