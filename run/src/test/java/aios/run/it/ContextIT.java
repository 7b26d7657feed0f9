package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static aios.run.it.LocalModelIT.props;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.context.ContextManager;
import aios.kernel.api.context.ContextSnapshot;
import aios.kernel.api.context.ResourceLimits;
import aios.kernel.api.context.RestoredContext;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.SyscallResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConfig;

/**
 * The shipped context manager with the kernel and the local model: resource limits refuse what passes them with a
 * clear error and an event, and a context saved while its generations take turns under round robin is restored
 * into generations that end with exactly the text of uninterrupted runs.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ContextIT {

    private static final String MODEL = "stories260K";

    private BundleContext context;
    private Kernel kernel;
    private ContextManager contexts;
    private static LlmBackend backend;
    private final List<Event> events = new CopyOnWriteArrayList<>();

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    @Before
    public void setUp() throws Exception {
        context = FrameworkUtil.getBundle(ContextIT.class).getBundleContext();
        if (backend == null) { // configured once for the class: each update restarts the components it configures
            backend = LocalModelIT.oneWorkerOnTheTestModel(context);
        }
        kernel = context.getService(context.getServiceReference(Kernel.class));
        contexts = await("the context manager", () -> {
            ServiceReference<ContextManager> r = context.getServiceReference(ContextManager.class);
            return r == null ? null : context.getService(r);
        });
        context.registerService(EventHandler.class, events::add, props(EventConstants.EVENT_TOPIC, "aios/*"));
    }

    private static LlmQuery query(String agent, String prompt, Sampling sampling) {
        return new LlmQuery(agent, List.of(Message.user(prompt)), List.of(), LlmAction.CHAT, sampling, MODEL,
                Scheduling.DEFAULT);
    }

    private static LlmQuery greedy(String agent, int tokens) {
        return query(agent, "Once upon a time", new Sampling(tokens, 0, 1, null));
    }

    private static SyscallResult result(SyscallHandle h) throws Exception {
        return h.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private Event event(String topic, String agent) throws Exception {
        return await(topic + " of " + agent, () -> events.stream()
                .filter(e -> e.getTopic().equals(topic) && agent.equals(e.getProperty(KernelEvents.AGENT)))
                .findFirst().orElse(null));
    }

    private static void assertRefused(String expected, Runnable submit) {
        SyscallRejectedException e = assertThrows(SyscallRejectedException.class, submit::run);
        assertEquals(SyscallRejectedException.Reason.LIMIT_EXCEEDED, e.reason());
        assertTrue(e.getMessage(), e.getMessage().contains(expected));
    }

    @Test
    public void aSyscallLimitAdmitsExactlyThatManyThenRefusesWithAClearErrorAndAnEvent() throws Exception {
        kernel.register("sys3");
        contexts.setLimits("sys3", ResourceLimits.NONE.withSyscalls(3));
        for (int i = 0; i < 3; i++) {
            result(kernel.submit(greedy("sys3", 3)));
        }
        assertRefused("agent 'sys3' has reached its syscalls limit (3 used of 3): raise it with ctx:limit sys3 "
                + "--syscalls N", () -> kernel.submit(greedy("sys3", 3)));
        Event e = event(KernelEvents.LIMIT_EXCEEDED, "sys3");
        assertEquals("syscalls", e.getProperty(KernelEvents.LIMIT));
        assertEquals(3L, e.getProperty(KernelEvents.USED));
        assertEquals(3L, contexts.context("sys3").orElseThrow().usage().syscalls());

        kernel.unregister("sys3"); // its context goes with it; registered again, it starts afresh
        assertTrue(contexts.context("sys3").isEmpty());
        kernel.register("sys3");
        assertEquals(0L, contexts.context("sys3").orElseThrow().usage().syscalls());
        result(kernel.submit(greedy("sys3", 3))); // its own limits stay: three more
    }

    @Test
    public void aTokenLimitStopsAGenerationAtExactlyTheLimit_andRefusesTheNextOne() throws Exception {
        kernel.register("tok12");
        contexts.setLimits("tok12", ResourceLimits.NONE.withTokens(12));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> result(kernel.submit(greedy("tok12", 50))));
        assertTrue(failed.getCause().getMessage(), failed.getCause().getMessage()
                .contains("agent 'tok12' has reached its tokens limit (12 used of 12)"));
        assertEquals(12L, contexts.context("tok12").orElseThrow().usage().generatedTokens());
        assertRefused("tokens limit", () -> kernel.submit(greedy("tok12", 5)));
        assertEquals("tokens", event(KernelEvents.LIMIT_EXCEEDED, "tok12").getProperty(KernelEvents.LIMIT));
    }

    @Test
    public void memoryAndWallTimeLimitsRefuseOnceReached() throws Exception {
        kernel.register("mem64");
        contexts.setLimits("mem64", ResourceLimits.NONE.withMemoryBytes(64));
        result(kernel.submit(greedy("mem64", 30))); // its conversation now holds more than 64 bytes
        assertTrue(contexts.context("mem64").orElseThrow().usage().memoryBytes() > 64);
        assertRefused("agent 'mem64' has reached its memory.bytes limit", () -> kernel.submit(greedy("mem64", 3)));

        Instant registered = Instant.now();
        kernel.register("wall1");
        contexts.setLimits("wall1", ResourceLimits.NONE.withWallTime(Duration.ofSeconds(1)));
        result(kernel.submit(greedy("wall1", 3)));
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), registered.plusMillis(1100)).toMillis()));
        assertRefused("agent 'wall1' has reached its wall.time limit", () -> kernel.submit(greedy("wall1", 3)));
    }

    @Test
    public void contextsSavedWhileGenerationsTakeTurns_areRestoredIntoTheSameTexts() throws Exception {
        kernel.switchPolicy(Resource.LLM, "rr", Map.of("slice.tokens", "2"));
        List<String> agents = List.of("ctx-a", "ctx-b", "ctx-c");
        List<LlmQuery> queries = List.of(query("ctx-a", "Tom had a dog", new Sampling(300, 0.8, 0.95, 7L)),
                query("ctx-b", "Once upon a time", new Sampling(300, 0.9, 1, 8L)),
                query("ctx-c", "The sun was", new Sampling(300, 0.7, 0.9, 9L)));
        List<String> alone = new ArrayList<>();
        for (LlmQuery q : queries) {
            LlmResult r = backend.complete(q);
            assertTrue("a story long enough to be caught mid-way: " + r.completionTokens(), r.completionTokens() > 20);
            alone.add(r.text());
            kernel.register(q.agent());
        }
        // a syscall that holds the single worker until released, submitted right behind the three: round robin gives
        // each of them a slice first, then the hold parks them mid-generation, whatever the engine's speed
        java.util.concurrent.Semaphore entered = new java.util.concurrent.Semaphore(0);
        java.util.concurrent.Semaphore release = new java.util.concurrent.Semaphore(0);
        var hold = context.registerService(LlmBackend.class, new LlmBackend() {
            @Override
            public List<String> models() {
                return List.of("hold");
            }

            @Override
            public LlmResult complete(LlmQuery q) throws InterruptedException {
                entered.release();
                release.acquire();
                return new LlmResult("released", List.of(), "stop", 1, 1, "hold");
            }
        }, props(LlmBackend.NAME, "hold"));
        kernel.register("ctx-hold");
        List<SyscallHandle> originals = new ArrayList<>();
        SyscallHandle holding;
        try {
            for (LlmQuery q : queries) {
                originals.add(kernel.submit(q));
            }
            holding = kernel.submit(new LlmQuery("ctx-hold", List.of(Message.user("hold")), List.of(), LlmAction.CHAT,
                    Sampling.DEFAULT, "hold", Scheduling.DEFAULT));
            assertTrue("the hold took the worker", entered.tryAcquire(30, TimeUnit.SECONDS));
        } finally {
            hold.unregister(); // the running hold is not affected
        }
        List<ContextSnapshot> saved = new ArrayList<>();
        try {
            for (String a : agents) {
                ContextSnapshot s = contexts.snapshot(a);
                assertEquals(a, 1, s.generations());
                // a generation saved as its query alone takes a few hundred bytes; its KV cache takes thousands
                assertTrue("the generation's state is in the snapshot: " + s.bytes() + " bytes", s.bytes() > 2_000);
                saved.add(s);
            }
        } finally {
            release.release(); // the worker goes back to the others, whatever happened here
        }
        result(holding);
        for (int i = 0; i < 3; i++) {
            assertEquals("the original of " + agents.get(i) + " goes on undisturbed", alone.get(i),
                    ((LlmResult) result(originals.get(i))).text());
        }
        assertEquals(List.of(Role.USER, Role.ASSISTANT), contexts.context("ctx-a").orElseThrow().conversation()
                .stream().map(Message::role).toList());
        for (int i = 0; i < 3; i++) {
            RestoredContext r = contexts.restore(agents.get(i), null);
            assertEquals(saved.get(i).id(), r.snapshot().id());
            assertEquals(List.of(originals.get(i).id()), List.copyOf(r.resumed().keySet()));
            assertEquals("restored " + agents.get(i), alone.get(i),
                    ((LlmResult) result(r.resumed().values().iterator().next())).text());
        }
        event(KernelEvents.CONTEXT_SAVED, "ctx-b");
        event(KernelEvents.CONTEXT_RESTORED, "ctx-b");
        kernel.switchPolicy(Resource.LLM, "fifo");
    }

    @Test
    public void aDamagedOrMissingSnapshotIsRefusedAndNothingRuns() throws Exception {
        kernel.register("dmg");
        result(kernel.submit(greedy("dmg", 5)));
        ContextSnapshot s = contexts.snapshot("dmg");
        assertEquals(2, s.messages());
        // kept in the storage manager's database, not in a file
        Path data = Path.of(context.getProperty("aios.data"));
        assertTrue(Files.notExists(data.resolve("contexts/dmg/" + s.id() + ".ctx")));
        try (Connection c = new SQLiteConfig().createConnection("jdbc:sqlite:" + data.resolve("storage.db"))) {
            try (PreparedStatement q = c.prepareStatement(
                    "SELECT length(data) FROM context_snapshots WHERE agent = 'dmg' AND snapshot = ?")) {
                q.setLong(1, s.id());
                try (ResultSet r = q.executeQuery()) {
                    assertTrue("the snapshot's row", r.next());
                    assertEquals(s.bytes(), r.getLong(1));
                }
            }
            try (PreparedStatement cut = c.prepareStatement("UPDATE context_snapshots SET data = substr(data, 1, "
                    + "length(data) - 7) WHERE agent = 'dmg' AND snapshot = ?")) {
                cut.setLong(1, s.id());
                assertEquals(1, cut.executeUpdate());
            }
        }
        long submitted = kernel.agents().stream().filter(a -> a.name().equals("dmg")).findFirst().orElseThrow()
                .submitted();

        IllegalArgumentException damaged = assertThrows(IllegalArgumentException.class,
                () -> contexts.restore("dmg", s.id()));
        assertTrue(damaged.getMessage(), damaged.getMessage().contains("snapshot " + s.id() + " of agent 'dmg' in the "
                + "storage manager's database is damaged or truncated"));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> contexts.restore("dmg", 99L));
        assertTrue(missing.getMessage(), missing.getMessage().contains("agent 'dmg' has no snapshot 99"));
        IllegalArgumentException escape = assertThrows(IllegalArgumentException.class,
                () -> contexts.restore("../dmg", null));
        assertTrue(escape.getMessage(), escape.getMessage().contains("agent name '../dmg' is not valid"));
        assertEquals(submitted, kernel.agents().stream().filter(a -> a.name().equals("dmg")).findFirst().orElseThrow()
                .submitted());
        assertEquals(2, contexts.context("dmg").orElseThrow().conversation().size());
    }
}
