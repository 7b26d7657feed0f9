package aios.run.it;

import static aios.run.it.LocalModelIT.await;
import static aios.run.it.LocalModelIT.props;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallRejectedException.Reason;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.access.AccessPolicy;
import aios.kernel.api.access.Principal;
import aios.kernel.api.access.Tokens;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.memory.MemoryManager;
import aios.kernel.api.storage.StorageManager;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.StorageResult;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolManager;
import aios.kernel.api.tool.ToolService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The access manager in the assembled kernel, with the real storage and memory managers: the access matrix (every
 * syscall kind and storage and memory operation, a reversible and an irreversible tool, agent A with no grants, with
 * every grant but the ones needed, and with exactly those, against its own data and agent B's), the approval of
 * irreversible operations end to end (approve, deny, timeout, cancel, overwrite), API tokens, a stricter policy
 * swapped in and out, and grants kept across a restart of the access manager and refused from a damaged file.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class AccessIT {

    private static final String A = "matrix-a";
    private static final String B = "matrix-b";
    /** Every permission the matrix uses; a case needs some of them. */
    private static final List<String> UNIVERSE = List.of("syscall:llm", "syscall:memory", "syscall:storage",
            "syscall:tool", "tool:stamp", "tool:shred", "mount:" + B);

    private BundleContext context;
    private Kernel kernel;
    private StorageManager storage;
    private MemoryManager memory;
    /** One framework serves every test of the class, and one registration of the handler and tools: shared. */
    private static final List<Event> events = new CopyOnWriteArrayList<>();
    private static final AtomicInteger shredded = new AtomicInteger();

    @Configuration
    public Option[] config() {
        return KernelOptions.kernel();
    }

    /** A tool that answers with the agent it ran for. */
    record Tool(String name, boolean reversible, AtomicInteger calls) implements ToolService {
        public String description() {
            return name + " for tests";
        }

        public String parameters() {
            return "{\"type\":\"object\"}";
        }

        public String invoke(ToolInvocation invocation) {
            calls.incrementAndGet();
            return name + "ed for " + invocation.agent();
        }
    }

    /** A model backend that answers with the prompt. */
    static final class Echo implements LlmBackend {
        public List<String> models() {
            return List.of("access-echo");
        }

        public LlmResult complete(LlmQuery q) {
            return new LlmResult("echo: " + q.messages().getLast().content(), List.of(), "stop", 1, 1, "access-echo");
        }
    }

    @Before
    public void setUp() throws Exception {
        context = FrameworkUtil.getBundle(AccessIT.class).getBundleContext();
        kernel = context.getService(context.getServiceReference(Kernel.class));
        storage = context.getService(await("the storage manager", () -> context.getServiceReference(StorageManager.class)));
        memory = context.getService(await("the memory manager", () -> context.getServiceReference(MemoryManager.class)));
        await("the access manager", () -> context.getServiceReferences(AccessPolicy.class,
                "(component.name=aios.manager.access.AccessManager)").stream().findFirst().orElse(null));
        await("the acl: commands", () -> context.getServiceReferences((String) null, "(osgi.command.scope=acl)"));
        if (context.getServiceReferences(ToolService.class, "(test=AccessIT)").isEmpty()) {
            context.registerService(ToolService.class, new Tool("stamp", true, new AtomicInteger()), props("test",
                    "AccessIT"));
            context.registerService(ToolService.class, new Tool("shred", false, shredded), props("test", "AccessIT"));
            context.registerService(LlmBackend.class, new Echo(), props("test", "AccessIT"));
            context.registerService(EventHandler.class, events::add, props(EventConstants.EVENT_TOPIC,
                    new String[] {"aios/access/*", "aios/syscall/*"}));
        }
        ToolManager tools = context.getService(await("the tool manager",
                () -> context.getServiceReference(ToolManager.class)));
        await("the test tools in the tool manager", () -> tools.tool("stamp").isPresent()
                && tools.tool("shred").isPresent() ? true : null);
    }

    // ---------------------------------------------------------------- the access matrix

    /**
     * One row of the matrix: a syscall of agent A (built after its data is prepared), the permissions it needs, and
     * what A must see when it is allowed.
     */
    record Case(String name, List<String> needs, java.util.concurrent.Callable<Syscall> call,
                Consumer<SyscallResult> allowed) {
    }

    @Test
    public void accessMatrix_everyKindAndOperation_allowedExactlyWhereGranted_deniedWithTheReasonOtherwise()
            throws Exception {
        kernel.register(A);
        kernel.register(B);
        direct(B, new StorageOperation.Write("b.txt", "B's secret"));
        String bNote = memory.execute(new MemoryQuery(B, new MemoryOperation.Add("B's private note", null))).id();
        shell("acl:revoke " + A + " @default");
        Set<String> current = new LinkedHashSet<>();

        List<Case> cases = new ArrayList<>();
        String own = "syscall:storage";
        cases.add(new Case("llm", List.of("syscall:llm"), () -> new LlmQuery(A, List.of(Message.user("hello")),
                List.of(), LlmAction.CHAT, null, "access-echo", null),
                r -> assertEquals("echo: hello", ((LlmResult) r).text())));
        // memory, own notes
        cases.add(new Case("memory add", List.of("syscall:memory"), () -> memoryOf(new MemoryOperation.Add("zebra", null)),
                r -> assertNotNull(((MemoryResult) r).id())));
        cases.add(new Case("memory get", List.of("syscall:memory"), () -> memoryOf(new MemoryOperation.Get(note("mine"))),
                r -> assertEquals("mine", ((MemoryResult) r).content())));
        cases.add(new Case("memory update", List.of("syscall:memory"),
                () -> memoryOf(new MemoryOperation.Update(note("old"), "new", null)), r -> { }));
        cases.add(new Case("memory remove", List.of("syscall:memory"),
                () -> memoryOf(new MemoryOperation.Remove(note("gone"))), r -> { }));
        cases.add(new Case("memory retrieve", List.of("syscall:memory"), () -> {
            note("quagga stripes");
            return memoryOf(new MemoryOperation.Retrieve("quagga", 3, null));
        }, r -> assertFalse(((MemoryResult) r).hits().isEmpty())));
        cases.add(new Case("memory release", List.of("syscall:memory"),
                () -> memoryOf(new MemoryOperation.Release(note("kept"))), r -> { }));
        cases.add(new Case("memory release_all", List.of("syscall:memory"),
                () -> memoryOf(new MemoryOperation.ReleaseAll()), r -> { }));
        // storage, own files
        cases.add(new Case("storage mount", List.of(own), () -> storageOf(new StorageOperation.Mount("")), r -> { }));
        cases.add(new Case("storage create_file", List.of(own),
                () -> storageOf(new StorageOperation.CreateFile("made-" + System.nanoTime())), r -> { }));
        cases.add(new Case("storage create_dir", List.of(own),
                () -> storageOf(new StorageOperation.CreateDir("dir-" + System.nanoTime())), r -> { }));
        cases.add(new Case("storage write", List.of(own), () -> storageOf(new StorageOperation.Write("a.txt", "mine")),
                r -> assertTrue(((StorageResult) r).version() >= 1)));
        cases.add(new Case("storage read", List.of(own), () -> {
            direct(A, new StorageOperation.Write("a.txt", "A's own"));
            return storageOf(new StorageOperation.Read("a.txt"));
        }, r -> assertEquals("A's own", ((StorageResult) r).content())));
        cases.add(new Case("storage list", List.of(own), () -> storageOf(new StorageOperation.List("")),
                r -> assertTrue(((StorageResult) r).entries().contains("a.txt"))));
        cases.add(new Case("storage delete", List.of(own), () -> {
            direct(A, new StorageOperation.Write("tmp.txt", "x"));
            return storageOf(new StorageOperation.Delete("tmp.txt"));
        }, r -> { }));
        cases.add(new Case("storage rollback", List.of(own), () -> {
            direct(A, new StorageOperation.Write("r.txt", "one"));
            direct(A, new StorageOperation.Write("r.txt", "two"));
            return storageOf(new StorageOperation.Rollback("r.txt", 1, null));
        }, r -> assertTrue(((StorageResult) r).message().contains("back to the content of version"))));
        cases.add(new Case("storage retrieve", List.of(own), () -> {
            direct(A, new StorageOperation.Write("okapi.txt", "okapi"));
            return storageOf(new StorageOperation.Retrieve("okapi", 3));
        }, r -> assertEquals(List.of("okapi.txt"), ((StorageResult) r).hits())));
        cases.add(new Case("storage read /A/…", List.of(own), () -> storageOf(new StorageOperation.Read("/" + A
                + "/a.txt")), r -> assertEquals("A's own", ((StorageResult) r).content())));
        // storage, B's files: only with mount:B
        List<String> bs = List.of(own, "mount:" + B);
        String bFile = "/" + B + "/b.txt";
        cases.add(new Case("storage read of B", bs, () -> storageOf(new StorageOperation.Read(bFile)),
                r -> assertEquals("B's secret", ((StorageResult) r).content())));
        cases.add(new Case("storage list of B", bs, () -> storageOf(new StorageOperation.List("/" + B)),
                r -> assertTrue(((StorageResult) r).entries().contains("b.txt"))));
        cases.add(new Case("storage write of B", bs, () -> storageOf(new StorageOperation.Write("/" + B + "/from-a.txt",
                "hello B")), r -> assertEquals("hello B", directRead(B, "from-a.txt"))));
        cases.add(new Case("storage create_file of B", bs, () -> storageOf(new StorageOperation.CreateFile("/" + B
                + "/new-" + System.nanoTime())), r -> { }));
        cases.add(new Case("storage create_dir of B", bs, () -> storageOf(new StorageOperation.CreateDir("/" + B
                + "/d-" + System.nanoTime())), r -> { }));
        cases.add(new Case("storage delete of B", bs, () -> {
            direct(B, new StorageOperation.Write("tmp.txt", "x"));
            return storageOf(new StorageOperation.Delete("/" + B + "/tmp.txt"));
        }, r -> { }));
        cases.add(new Case("storage rollback of B", bs, () -> {
            direct(B, new StorageOperation.Write("r.txt", "one"));
            direct(B, new StorageOperation.Write("r.txt", "two"));
            return storageOf(new StorageOperation.Rollback("/" + B + "/r.txt", 1, null));
        }, r -> assertEquals("one", directRead(B, "r.txt"))));
        // tools
        cases.add(new Case("tool stamp (reversible)", List.of("syscall:tool", "tool:stamp"),
                () -> new ToolQuery(A, new ToolCall("1", "stamp", "{}")),
                r -> assertEquals("stamped for " + A, ((ToolResult) r).outcomes().getFirst().output())));
        cases.add(new Case("tool shred (irreversible)", List.of("syscall:tool", "tool:shred"),
                () -> new ToolQuery(A, new ToolCall("1", "shred", "{}")),
                r -> assertEquals("shreded for " + A, ((ToolResult) r).outcomes().getFirst().output())));

        int denials = 0;
        for (Case c : cases) {
            List<String> rest = UNIVERSE.stream().filter(p -> !c.needs().contains(p)).toList();
            for (List<String> grants : List.of(List.<String>of(), rest)) {
                setGrants(current, grants);
                Syscall call = c.call().call();
                SyscallRejectedException e = assertThrows(c.name() + " with " + grants, SyscallRejectedException.class,
                        () -> kernel.submit(call));
                assertEquals(c.name(), Reason.ACCESS_DENIED, e.reason());
                String grant = "acl:grant " + A + " " + String.join(" ", c.needs());
                assertTrue(c.name() + " with " + grants + ": " + e.getMessage(), e.getMessage().contains(grant));
                for (String p : UNIVERSE) {
                    assertEquals(c.name() + " with " + grants + " names exactly the missing: " + e.getMessage(),
                            c.needs().contains(p), e.getMessage().contains(p));
                }
                denials++;
            }
            setGrants(current, c.needs());
            SyscallResult r = kernel.submit(c.call().call()).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
            c.allowed().accept(r);
        }

        // B's memory is out of A's reach whatever A holds: note ids are looked up in A's own notes
        setGrants(current, UNIVERSE);
        for (MemoryOperation op : List.of(new MemoryOperation.Get(bNote), new MemoryOperation.Remove(bNote),
                new MemoryOperation.Update(bNote, "overwritten by A", null))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> kernel.submit(new MemoryQuery(A, op))
                    .result().toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("agent '" + A
                    + "' has no memory note '" + bNote + "'"));
        }
        assertTrue(memory.execute(new MemoryQuery(A, new MemoryOperation.Retrieve("private", 5, null))).hits().isEmpty());
        assertEquals("B's private note", memory.execute(new MemoryQuery(B, new MemoryOperation.Get(bNote))).content());
        // no grant lets a path leave its namespace
        for (String path : List.of("../" + B + "/b.txt", "/" + B + "/../" + B + "/b.txt")) {
            SyscallRejectedException e = assertThrows(SyscallRejectedException.class,
                    () -> kernel.submit(new StorageQuery(A, new StorageOperation.Read(path))));
            assertTrue(e.getMessage(), e.getMessage().contains("'..' segment, which no grant allows"));
            denials++;
        }

        System.out.printf("access matrix: %d cases, each denied with no grant and with every other grant (%d denials"
                + " naming exactly the missing permissions), allowed with exactly its own%n", cases.size(), denials);
        int expected = denials;
        List<Event> denied = await(expected + " DENIED events of " + A, () -> {
            List<Event> d = events.stream().filter(ev -> ev.getTopic().equals(KernelEvents.ACCESS_DENIED)
                    && A.equals(ev.getProperty(KernelEvents.AGENT))).toList();
            return d.size() >= expected ? d : null;
        });
        assertEquals(expected, denied.size());
        for (Event ev : denied) {
            String reason = (String) ev.getProperty(KernelEvents.REASON);
            assertTrue(reason, reason.contains("acl:grant " + A) || reason.contains("no grant allows"));
            assertNotNull(ev.getProperty(KernelEvents.KIND));
        }
    }

    private void setGrants(Set<String> current, List<String> wanted) throws Exception {
        List<String> revoke = current.stream().filter(p -> !wanted.contains(p)).toList();
        List<String> grant = wanted.stream().filter(p -> !current.contains(p)).toList();
        if (!revoke.isEmpty()) {
            shell("acl:revoke " + A + " " + String.join(" ", revoke));
        }
        if (!grant.isEmpty()) {
            shell("acl:grant " + A + " " + String.join(" ", grant));
        }
        current.clear();
        current.addAll(wanted);
    }

    private static MemoryQuery memoryOf(MemoryOperation op) {
        return new MemoryQuery(A, op);
    }

    private static StorageQuery storageOf(StorageOperation op) {
        return new StorageQuery(A, op);
    }

    /** A note of A's, added straight to the memory manager (A may not have syscall:memory at the time). */
    private String note(String content) throws Exception {
        return memory.execute(new MemoryQuery(A, new MemoryOperation.Add(content, null))).id();
    }

    /** Straight to the storage manager, as the agent, past the kernel and its access check: to prepare data. */
    private StorageResult direct(String agent, StorageOperation op) throws Exception {
        return storage.execute(new StorageQuery(agent, op));
    }

    private String directRead(String agent, String path) {
        try {
            return direct(agent, new StorageOperation.Read(path)).content();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- approvals

    @Test
    public void irreversibleOperations_waitForAnOperator_approvedRun_deniedFail_unansweredTimeOut() throws Exception {
        String agent = "careful";
        kernel.register(agent);
        shell("acl:grant " + agent + " approve:irreversible syscall:tool tool:shred");
        direct(agent, new StorageOperation.Write("doomed.txt", "last words"));

        // approved: it waits, unqueued, then runs
        SyscallHandle delete = kernel.submit(new StorageQuery(agent, new StorageOperation.Delete("doomed.txt")));
        assertEquals(SyscallStatus.HELD, delete.status());
        Event pending = awaitEvent(KernelEvents.ACCESS_PENDING, delete.id());
        String id = (String) pending.getProperty(KernelEvents.APPROVAL);
        assertEquals(agent, pending.getProperty(KernelEvents.AGENT));
        assertEquals("storage.delete", pending.getProperty(KernelEvents.KIND));
        assertTrue((String) pending.getProperty(KernelEvents.REASON), ((String) pending.getProperty(KernelEvents.REASON))
                .contains("deleting 'doomed.txt' is irreversible and agent 'careful' has approve:irreversible: it waits"
                        + " for an operator (acl:approve " + id));
        Thread.sleep(200);
        assertFalse("a held syscall does not run", delete.result().toCompletableFuture().isDone());
        assertEquals("last words", directRead(agent, "doomed.txt"));
        String list = shell("acl:pending");
        assertTrue(list, list.lines().anyMatch(l -> l.matches(id + " +careful +storage.delete +.*deleting 'doomed.txt'")));
        assertTrue(shell("acl:approve " + id).startsWith("approved " + id + ": deleting 'doomed.txt'"));
        delete.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertFalse(direct(agent, new StorageOperation.List("")).entries().contains("doomed.txt"));
        Event approved = awaitEvent(KernelEvents.ACCESS_APPROVED, delete.id());
        assertEquals(id, approved.getProperty(KernelEvents.APPROVAL));
        assertTrue((Long) approved.getProperty(KernelEvents.HELD) >= 200_000L);
        awaitEvent(KernelEvents.COMPLETED, delete.id());

        // denied: it fails with the operator's reason and never runs
        int before = shredded.get();
        SyscallHandle shred = kernel.submit(new ToolQuery(agent, new ToolCall("1", "shred", "{}")));
        String shredId = (String) awaitEvent(KernelEvents.ACCESS_PENDING, shred.id()).getProperty(KernelEvents.APPROVAL);
        assertTrue(shell("acl:deny " + shredId + " not on a Friday").startsWith("denied " + shredId));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> shred.result().toCompletableFuture().get(30, TimeUnit.SECONDS));
        SyscallRejectedException refused = (SyscallRejectedException) e.getCause();
        assertEquals(Reason.ACCESS_DENIED, refused.reason());
        assertEquals("calling tool 'shred' was denied by an operator (acl:deny " + shredId
                + "): not on a Friday", refused.getMessage());
        assertEquals(before, shredded.get());
        Event deniedEvent = awaitEvent(KernelEvents.ACCESS_DENIED, shred.id());
        assertEquals(shredId, deniedEvent.getProperty(KernelEvents.APPROVAL));
        assertEquals(refused.getMessage(), deniedEvent.getProperty(KernelEvents.REASON));
        assertEquals(SyscallStatus.FAILED, kernel.status(shred.id()).orElseThrow().status());

        // a write waits only when it overwrites a file
        SyscallHandle fresh = kernel.submit(new StorageQuery(agent, new StorageOperation.Write("fresh.txt", "1")));
        fresh.result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        SyscallHandle over = kernel.submit(new StorageQuery(agent, new StorageOperation.Write("fresh.txt", "2")));
        String overId = (String) awaitEvent(KernelEvents.ACCESS_PENDING, over.id()).getProperty(KernelEvents.APPROVAL);
        assertTrue(shell("acl:pending").contains("overwriting 'fresh.txt'"));
        assertEquals("1", directRead(agent, "fresh.txt"));

        // cancelled: withdrawn from the list
        assertTrue(kernel.cancel(over.id()));
        assertThrows(CancellationException.class, () -> over.result().toCompletableFuture().join());
        assertFalse(shell("acl:pending").contains("overwriting 'fresh.txt'"));
        assertTrue(shellError("acl:approve " + overId).contains("no syscall waits for approval '" + overId + "'"));

        // nobody answers: denied when the timeout passes
        ConfigurationAdmin ca = context.getService(context.getServiceReference(ConfigurationAdmin.class));
        org.osgi.service.cm.Configuration config = ca.getConfiguration("aios.access", "?");
        Hashtable<String, Object> shortWait = new Hashtable<>();
        shortWait.put("approval.timeout.seconds", 1L);
        config.update(shortWait);
        try {
            SyscallHandle rollback = await("a 1 s timeout in effect", () -> {
                SyscallHandle h = kernel.submit(new StorageQuery(agent, new StorageOperation.Rollback("fresh.txt", 1,
                        null)));
                Event p = awaitEvent(KernelEvents.ACCESS_PENDING, h.id());
                if (((String) p.getProperty(KernelEvents.REASON)).contains("denied after 1s")) {
                    return h;
                }
                kernel.cancel(h.id());
                return null;
            });
            ExecutionException timedOut = assertThrows(ExecutionException.class,
                    () -> rollback.result().toCompletableFuture().get(30, TimeUnit.SECONDS));
            assertTrue(timedOut.getCause().getMessage(), timedOut.getCause().getMessage().startsWith(
                    "rolling back 'fresh.txt' was not approved within 1s (approval "));
            assertEquals(Reason.ACCESS_DENIED, ((SyscallRejectedException) timedOut.getCause()).reason());
            awaitEvent(KernelEvents.ACCESS_DENIED, rollback.id());
        } finally {
            config.delete();
        }
    }

    // ---------------------------------------------------------------- tokens

    @Test
    public void apiTokens_authenticateUntilRevoked_andOnlyTheirHashIsOnDisk() throws Exception {
        kernel.register("tokened");
        Tokens tokens = context.getService(context.getServiceReference(Tokens.class));
        String created = shell("acl:token create tokened");
        String token = created.lines().toList().get(1);
        String tokenId = created.split(" ")[1];
        assertEquals(Principal.ofAgent("tokened"), tokens.authenticate(token).orElseThrow());
        Tokens.Issued operator = tokens.issue(Principal.ofOperator());
        assertEquals(Principal.ofOperator(), tokens.authenticate(operator.token()).orElseThrow());

        Path file = Path.of(context.getProperty("aios.data")).resolve("access").resolve("tokens.txt");
        String text = Files.readString(file);
        assertFalse("the raw token is not on disk", text.contains(token) || text.contains(operator.token()));
        assertTrue(text, text.contains(tokenId + " agent:tokened "));
        assertTrue(shell("acl:token ls").contains(tokenId));

        shell("acl:token revoke " + tokenId);
        assertTrue(tokens.authenticate(token).isEmpty());
        assertTrue(tokens.authenticate(operator.token()).isPresent());
        assertTrue(shellError("acl:token create nobody-here").contains("agent 'nobody-here' is not registered"));
    }

    // ---------------------------------------------------------------- swapping the policy

    @Test
    public void aStricterPolicyWithAHigherRank_replacesTheAccessManager_andItsRemovalRestoresIt() throws Exception {
        kernel.register("swapped");
        LlmQuery q = new LlmQuery("swapped", List.of(Message.user("hi")), List.of(), LlmAction.CHAT, null,
                "access-echo", null);
        kernel.submit(q).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Hashtable<String, Object> rank = new Hashtable<>();
        rank.put(Constants.SERVICE_RANKING, 1000);
        ServiceRegistration<AccessPolicy> strict = context.registerService(AccessPolicy.class,
                call -> AccessDecision.deny("the lockdown policy refuses everything"), rank);
        try {
            SyscallRejectedException e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(q));
            assertEquals("the lockdown policy refuses everything", e.getMessage());
        } finally {
            strict.unregister();
        }
        kernel.submit(q).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
        SyscallRejectedException tool = assertThrows(SyscallRejectedException.class,
                () -> kernel.submit(new ToolQuery("swapped", new ToolCall("1", "stamp", "{}"))));
        assertTrue("the access manager is back: " + tool.getMessage(), tool.getMessage().contains(
                "acl:grant swapped syscall:tool tool:stamp"));
    }

    // ---------------------------------------------------------------- restart and damage

    @Test
    public void grantsOutliveARestartOfTheAccessManager_andADamagedFileRefusesEverythingNamingIt() throws Exception {
        kernel.register("durable");
        shell("acl:grant durable syscall:tool tool:stamp");
        ToolQuery stamp = new ToolQuery("durable", new ToolCall("1", "stamp", "{}"));
        kernel.submit(stamp).result().toCompletableFuture().get(30, TimeUnit.SECONDS);

        Bundle bundle = List.of(context.getBundles()).stream()
                .filter(b -> "aios.manager.access".equals(b.getSymbolicName())).findFirst().orElseThrow();
        bundle.stop();
        try {
            SyscallRejectedException e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(stamp));
            assertTrue("without an access manager, no tools: " + e.getMessage(),
                    e.getMessage().contains("no access policy is installed"));
        } finally {
            bundle.start();
        }
        await("the access manager again", () -> context.getServiceReferences(AccessPolicy.class,
                "(component.name=aios.manager.access.AccessManager)").stream().findFirst().orElse(null));
        await("the grant kept", () -> {
            try {
                return kernel.submit(stamp).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (SyscallRejectedException e) {
                return null; // the kernel may still bind the restarted policy
            }
        });
        assertTrue(shell("acl:show durable").contains("tool:stamp       own"));

        Path acl = Path.of(context.getProperty("aios.data")).resolve("access").resolve("acl.txt");
        String good = Files.readString(acl);
        Files.writeString(acl, good.replace("tool:stamp", "tool:"));
        try {
            assertTrue(shellError("acl:reload").contains(acl + " line "));
            SyscallRejectedException e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(
                    new LlmQuery("durable", List.of(Message.user("hi")), List.of(), LlmAction.CHAT, null, "access-echo",
                            null)));
            assertTrue(e.getMessage(), e.getMessage().startsWith("access control cannot read its access list, so every"
                    + " syscall is refused: " + acl + " line "));
            assertTrue(shellError("acl:grant durable tool:x").contains(acl.toString()));
        } finally {
            Files.writeString(acl, good);
            shell("acl:reload");
        }
        kernel.submit(stamp).result().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    // ---------------------------------------------------------------- helpers

    private Event awaitEvent(String topic, long syscall) throws Exception {
        return await(topic + " of syscall " + syscall, () -> events.stream().filter(e -> e.getTopic().equals(topic)
                && Long.valueOf(syscall).equals(e.getProperty(KernelEvents.ID))).findFirst().orElse(null));
    }

    private String shell(String command) throws Exception {
        return GogoShell.execute(context, command);
    }

    /** The message of the exception a command throws. */
    private String shellError(String command) {
        Exception e = assertThrows(command, Exception.class, () -> shell(command));
        return e.getMessage();
    }
}
