package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallException;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallRejectedException.Reason;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.event.KernelEvents;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.memory.MemoryManager;
import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.MemoryOperation;
import aios.kernel.api.syscall.MemoryQuery;
import aios.kernel.api.syscall.MemoryResult;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.StorageOperation;
import aios.kernel.api.syscall.StorageQuery;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KernelRouterTest {

    private final TestKernels.EventRecorder events = new TestKernels.EventRecorder();
    private KernelRouter kernel;

    @AfterEach
    void stop() {
        if (kernel != null) {
            kernel.deactivate();
        }
    }

    private GatedBackend gatedKernel(Map<String, Object> config) {
        kernel = TestKernels.start(config, events);
        GatedBackend backend = new GatedBackend();
        kernel.addLlmBackend(null, backend);
        kernel.register("a");
        return backend;
    }

    private QueueInfo llmQueue() {
        return kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
    }

    private List<SyscallHandle> submit(int n) {
        List<SyscallHandle> hs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            hs.add(kernel.submit(LlmQuery.chat("a", "t" + i)));
        }
        return hs;
    }

    private static void awaitAll(List<SyscallHandle> hs) {
        for (SyscallHandle h : hs) {
            h.result().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }

    /** The newest first: a second policy to switch to. */
    static class Stack implements SchedulingPolicy {
        final ArrayDeque<Task> s = new ArrayDeque<>();

        public void offer(Task t) {
            s.push(t);
        }

        public Task poll() {
            return s.poll();
        }

        public boolean remove(Task t) {
            return s.remove(t);
        }

        public List<Task> drain() {
            var all = new ArrayList<>(s);
            s.clear();
            return all;
        }

        public int size() {
            return s.size();
        }
    }

    @Test
    void switchingPolicyWhileTasksWait_movesEveryTaskOnce_andTheNewOrderApplies() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1));
        List<SyscallHandle> hs = submit(6);
        backend.awaitEntered(1); // t0 runs, t1..t5 wait
        kernel.installPolicy(TestKernels.provider("stack", Stack::new));
        QueueInfo after = kernel.switchPolicy(Resource.LLM, "stack");
        assertEquals("stack", after.policy());
        assertEquals(5, after.waiting());
        backend.permits.release(6);
        awaitAll(hs);
        assertEquals(List.of("t0", "t5", "t4", "t3", "t2", "t1"), backend.order);
        var changed = events.topic(KernelEvents.POLICY_CHANGED).stream()
                .filter(e -> "stack".equals(e.getProperty(KernelEvents.POLICY))).toList();
        assertEquals(1, changed.size());
        assertEquals(5, changed.get(0).getProperty(KernelEvents.MOVED));
        assertEquals("stack", kernel.status(hs.get(5).id()).orElseThrow().policy());
    }

    @Test
    void switchingToAPolicyThatIsNotInstalled_isRefusedAndChangesNothing() {
        gatedKernel(Map.of());
        var e = assertThrows(IllegalArgumentException.class, () -> kernel.switchPolicy(Resource.LLM, "nope"));
        assertTrue(e.getMessage().contains("no scheduling policy named 'nope'") && e.getMessage().contains("fifo"),
                e.getMessage());
        assertEquals("fifo", llmQueue().policy());
    }

    @Test
    void policyRemovedWhileTasksWait_queueFallsBackToFifo_noTaskLostOrRepeated() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1));
        PolicyProvider stack = TestKernels.provider("stack", Stack::new);
        kernel.installPolicy(stack);
        kernel.switchPolicy(Resource.LLM, "stack");
        List<SyscallHandle> hs = submit(1);
        backend.awaitEntered(1); // t0 runs
        for (int i = 1; i < 5; i++) {
            hs.add(kernel.submit(LlmQuery.chat("a", "t" + i))); // t1..t4 wait; the stack would run t4 first
        }
        kernel.uninstallPolicy(stack.id());
        QueueInfo q = llmQueue();
        assertEquals(BuiltinFifo.NAME, q.policy());
        assertEquals("stack", q.configuredPolicy());
        assertEquals(4, q.waiting());
        backend.permits.release(5);
        awaitAll(hs);
        assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), backend.order, "after the fallback the rest run FIFO");
        assertFalse(events.topic(KernelEvents.POLICY_FALLBACK).isEmpty());
        // the policy comes back: the queue returns to it
        kernel.installPolicy(TestKernels.provider("stack", Stack::new));
        assertEquals("stack", llmQueue().policy());
    }

    @Test
    void aPolicyThatThrows_isReplacedByFifo_andEveryTaskStillRunsOnce() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1));
        kernel.installPolicy(TestKernels.provider("broken", () -> new Stack() {
            int polls;

            @Override
            public Task poll() {
                if (++polls == 3) {
                    throw new IllegalStateException("index out of whack");
                }
                return super.poll();
            }
        }));
        kernel.switchPolicy(Resource.LLM, "broken");
        List<SyscallHandle> hs = submit(6);
        backend.permits.release(6);
        awaitAll(hs);
        assertEquals(6, backend.order.stream().distinct().count());
        assertEquals(6, backend.order.size());
        var fallback = events.topic(KernelEvents.POLICY_FALLBACK);
        assertEquals(1, fallback.size());
        String error = (String) fallback.get(0).getProperty(KernelEvents.ERROR);
        assertTrue(error.contains("broken") && error.contains("index out of whack"), error);
        assertEquals(BuiltinFifo.NAME, llmQueue().policy());
    }

    @Test
    void aPolicyThatLosesATask_isReplacedByFifo_andTheTaskStillRuns() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1));
        kernel.installPolicy(TestKernels.provider("forgetful", () -> new Stack() {
            @Override
            public void offer(Task t) {
                if (t.id() % 2 == 0) {
                    super.offer(t); // odd ids vanish
                }
            }
        }));
        kernel.switchPolicy(Resource.LLM, "forgetful");
        List<SyscallHandle> hs = submit(4);
        backend.permits.release(4);
        awaitAll(hs);
        assertEquals(4, backend.order.size());
        assertEquals(4, backend.order.stream().distinct().count());
    }

    @Test
    void aFullQueue_refusesAtOnceWithAClearError_andKeepsWhatItHad() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1, "llm.capacity", 3));
        List<SyscallHandle> hs = submit(1);
        backend.awaitEntered(1);
        hs.addAll(submit(3));
        var e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(LlmQuery.chat("a", "one too many")));
        assertEquals(Reason.QUEUE_FULL, e.reason());
        assertTrue(e.getMessage().contains("llm queue is full") && e.getMessage().contains("llm.capacity"), e.getMessage());
        assertEquals(3, llmQueue().waiting());
        assertEquals(4, kernel.agents().get(0).submitted());
        assertEquals(1, events.topic(KernelEvents.REJECTED, 1).size());
        backend.permits.release(4);
        awaitAll(hs);
    }

    /** A memory manager that keeps each agent's notes in memory until the agent is released. */
    static final class WorkingSet implements MemoryManager {
        final ConcurrentHashMap<String, List<String>> notes = new ConcurrentHashMap<>();

        @Override
        public MemoryResult execute(MemoryQuery q) {
            String content = switch (q.operation()) {
                case MemoryOperation.Add add -> add.content();
                default -> throw new IllegalArgumentException("this test's memory only adds, not " + q.operation());
            };
            notes.computeIfAbsent(q.agent(), a -> new CopyOnWriteArrayList<>()).add(content);
            return new MemoryResult(String.valueOf(notes.get(q.agent()).size()), null, null, null);
        }

        @Override
        public void released(String agent) {
            notes.remove(agent);
        }
    }

    @Test
    void unregisteringAnAgent_freesItsMemoryAndNoOtherAgents() {
        kernel = TestKernels.start(Map.of(), events);
        WorkingSet memory = new WorkingSet();
        kernel.setMemoryManager(memory);
        kernel.register("a");
        kernel.register("b");
        awaitAll(List.of(kernel.submit(new MemoryQuery("a", new MemoryOperation.Add("a's note", null))),
                kernel.submit(new MemoryQuery("b", new MemoryOperation.Add("b's note", null)))));
        assertTrue(kernel.unregister("a"));
        assertEquals(Map.of("b", List.of("b's note")), Map.copyOf(memory.notes));
    }

    @Test
    void syscallsWithoutAService_failAtOnceNamingTheMissingService() {
        kernel = TestKernels.start(Map.of(), events);
        kernel.register("a");
        var e = assertThrows(SyscallRejectedException.class,
                () -> kernel.submit(new MemoryQuery("a", new MemoryOperation.Get("m1"))));
        assertEquals(Reason.NO_SERVICE, e.reason());
        assertTrue(e.getMessage().contains("no memory manager is installed"), e.getMessage());
        var llm = assertThrows(SyscallRejectedException.class, () -> kernel.submit(LlmQuery.chat("a", "hi")));
        assertTrue(llm.getMessage().contains("no LLM backend is installed"), llm.getMessage());
        var storage = assertThrows(SyscallRejectedException.class,
                () -> kernel.submit(new StorageQuery("a", new StorageOperation.Read("notes.txt"))));
        assertTrue(storage.getMessage().contains("no storage manager is installed"), storage.getMessage());

        LlmQuery named = new LlmQuery("a", List.of(aios.kernel.api.syscall.Message.user("hi")), List.of(),
                aios.kernel.api.syscall.LlmAction.CHAT, null, "llama-7b", null);
        GatedBackend gated = new GatedBackend(); // serves "gated"
        kernel.addLlmBackend(null, gated);
        var other = assertThrows(SyscallRejectedException.class, () -> kernel.submit(named));
        assertTrue(other.getMessage().contains("no LLM backend serves model 'llama-7b': installed models are gated"),
                other.getMessage());
        kernel.removeLlmBackend(null, gated);
        kernel.addLlmBackend(null, new aios.kernel.api.llm.LlmBackend() { // one without a model for now
            @Override
            public List<String> models() {
                return List.of();
            }

            @Override
            public aios.kernel.api.syscall.LlmResult complete(LlmQuery q) {
                throw new IllegalStateException("not called: the kernel refuses the query first");
            }
        });
        var none = assertThrows(SyscallRejectedException.class, () -> kernel.submit(named));
        assertTrue(none.getMessage().contains("the installed backends serve no model now (llm:models and openai:models say why)"),
                none.getMessage());
    }

    @Test
    void withoutAnAccessPolicy_agentsReachOnlyTheirOwnData() {
        kernel = TestKernels.start(Map.of(), events);
        kernel.register("a");
        var tool = assertThrows(SyscallRejectedException.class,
                () -> kernel.submit(new ToolQuery("a", new ToolCall(null, "calc", "{}"))));
        assertEquals(Reason.ACCESS_DENIED, tool.reason());
        var escape = assertThrows(SyscallRejectedException.class,
                () -> kernel.submit(new StorageQuery("a", new StorageOperation.Read("../b/secret.txt"))));
        assertEquals(Reason.ACCESS_DENIED, escape.reason());
        assertTrue(escape.getMessage().contains("../b/secret.txt"), escape.getMessage());
        var absolute = assertThrows(SyscallRejectedException.class,
                () -> kernel.submit(new StorageQuery("a", new StorageOperation.Write("/etc/passwd", "x"))));
        assertEquals(Reason.ACCESS_DENIED, absolute.reason());
    }

    @Test
    void unknownAgentsAndBadNames_areRefused() {
        kernel = TestKernels.start(Map.of(), events);
        kernel.addLlmBackend(null, new TestKernels.EchoBackend());
        var e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(LlmQuery.chat("ghost", "hi")));
        assertEquals(Reason.UNKNOWN_AGENT, e.reason());
        assertTrue(e.getMessage().contains("'ghost'"));
        assertThrows(IllegalArgumentException.class, () -> kernel.register("../evil"));
        assertThrows(IllegalArgumentException.class, () -> kernel.register(""));
        assertEquals(0, kernel.agents().size());
    }

    @Test
    void cancel_removesAWaitingSyscall_andInterruptsARunningOne() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1));
        List<SyscallHandle> hs = submit(2);
        backend.awaitEntered(1);
        assertTrue(kernel.cancel(hs.get(1).id()));
        assertEquals(SyscallStatus.CANCELLED, hs.get(1).status());
        assertThrows(CancellationException.class, () -> hs.get(1).result().toCompletableFuture().join());
        assertEquals(0, llmQueue().waiting());
        // cancelling through the future works too
        hs.get(0).result().toCompletableFuture().cancel(true);
        assertThrows(CancellationException.class,
                () -> hs.get(0).result().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join());
        assertEquals(SyscallStatus.CANCELLED, hs.get(0).status());
        assertEquals(2, events.topic(KernelEvents.CANCELLED, 2).size());
        assertFalse(kernel.cancel(hs.get(0).id()), "a finished syscall cannot be cancelled again");
        assertTrue(backend.order.isEmpty(), "the interrupted call did not complete");
    }

    @Test
    void aFailingBackend_failsTheSyscallWithItsMessage_andTheKernelGoesOn() {
        kernel = TestKernels.start(Map.of(), events);
        kernel.register("a");
        kernel.addLlmBackend(null, new LlmBackend() {
            public List<String> models() {
                return List.of("bad");
            }

            public LlmResult complete(LlmQuery q) {
                throw new IllegalStateException("model file truncated at tensor blk.3");
            }
        });
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "hi"));
        var e = assertThrows(CompletionException.class, () -> h.result().toCompletableFuture().join());
        assertInstanceOf(SyscallException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("model file truncated at tensor blk.3"));
        assertEquals(SyscallStatus.FAILED, h.status());
        assertEquals(1, llmQueue().failed());
        assertTrue(kernel.status(h.id()).orElseThrow().error().contains("model file truncated"));
    }

    @Test
    void resultsCannotBeCompletedByCallers() {
        GatedBackend backend = gatedKernel(Map.of());
        SyscallHandle h = kernel.submit(LlmQuery.chat("a", "x"));
        assertThrows(UnsupportedOperationException.class, () -> h.result().toCompletableFuture().complete(null));
        backend.permits.release();
        h.result().toCompletableFuture().join();
    }

    /** A policy with one parameter, {@code depth}, a positive integer. */
    static class Configurable extends Stack {
        volatile String depth = "unset";

        @Override
        public void configure(Map<String, String> parameters) {
            String d = parameters.getOrDefault("depth", "1");
            if (!d.matches("[1-9][0-9]*")) {
                throw new IllegalArgumentException("depth '" + d + "' must be a positive integer");
            }
            depth = d;
        }
    }

    @Test
    void refusedPolicyParameters_leaveTheRunningPolicyAsItWas() {
        gatedKernel(Map.of());
        Configurable instance = new Configurable();
        kernel.installPolicy(TestKernels.provider("conf", () -> instance));
        kernel.modified(TestKernels.config(Map.of("llm.policy", "conf", "llm.policy.parameters", new String[] {"depth=3"})));
        assertEquals("3", instance.depth);
        kernel.modified(TestKernels.config(Map.of("llm.policy", "conf", "llm.policy.parameters", new String[] {"depth=-1"})));
        assertEquals("conf", llmQueue().policy());
        assertEquals("3", instance.depth);
    }

    @Test
    void switchingWithParameters_appliesThem_andRefusedOnesChangeNothing() {
        gatedKernel(Map.of());
        List<Configurable> made = new java.util.concurrent.CopyOnWriteArrayList<>();
        kernel.installPolicy(TestKernels.provider("conf", () -> {
            Configurable c = new Configurable();
            made.add(c);
            return c;
        }));
        QueueInfo q = kernel.switchPolicy(Resource.LLM, "conf", Map.of("depth", "4"));
        assertEquals("conf", q.policy());
        assertEquals(Map.of("depth", "4"), q.parameters());
        Configurable running = made.get(made.size() - 1);
        assertEquals("4", running.depth);
        var e = assertThrows(IllegalArgumentException.class,
                () -> kernel.switchPolicy(Resource.LLM, "conf", Map.of("depth", "deep")));
        assertTrue(e.getMessage().contains("refused the parameters {depth=deep}") && e.getMessage().contains("positive"),
                e.getMessage());
        assertEquals(Map.of("depth", "4"), llmQueue().parameters(), "refused parameters change nothing");
        assertEquals("4", running.depth);
        kernel.switchPolicy(Resource.LLM, "conf", Map.of("depth", "9"));
        assertEquals("9", running.depth, "the same policy with new parameters keeps its instance");
    }

    @Test
    void aSyscallFinishingAfterItsDeadline_isCountedAndPublished() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1));
        var late = kernel.submit(LlmQuery.chat("a", "late").withScheduling(
                aios.kernel.api.syscall.Scheduling.DEFAULT.withDeadline(java.time.Instant.now().plusMillis(20))));
        var onTime = kernel.submit(LlmQuery.chat("a", "on time").withScheduling(
                aios.kernel.api.syscall.Scheduling.DEFAULT.withDeadline(java.time.Instant.now().plusSeconds(60))));
        backend.awaitEntered(1);
        Thread.sleep(40); // the first one is still running when its deadline passes
        backend.permits.release(2);
        awaitAll(List.of(late, onTime));
        assertEquals(1, llmQueue().deadlineMisses());
        var missed = events.topic(KernelEvents.DEADLINE_MISSED, 1);
        assertEquals(1, missed.size());
        assertEquals(late.id(), missed.get(0).getProperty(KernelEvents.ID));
        assertTrue((Long) missed.get(0).getProperty(KernelEvents.LATENESS) > 0);
    }

    @Test
    void withAdmissionControl_aDeadlineThatCannotBeMetIsRefusedAtOnce() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1, "llm.admission", true));
        java.time.Instant now = java.time.Instant.now();
        var ms = (java.util.function.LongFunction<java.time.Duration>) java.time.Duration::ofMillis;
        var holder = kernel.submit(LlmQuery.chat("a", "hold"));
        backend.awaitEntered(1);
        // 300 ms of work due within 0.5 s waits (it fits: nothing is due before it)
        var first = kernel.submit(LlmQuery.chat("a", "first").withScheduling(aios.kernel.api.syscall.Scheduling.DEFAULT
                .withDeadline(now.plusMillis(500)).withCostHint(ms.apply(300))));
        // due in 1 s, costs 800 ms, but 300 ms of earlier-due work waits: 1,100 ms > 1 s
        var e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(LlmQuery.chat("a", "late").withScheduling(
                aios.kernel.api.syscall.Scheduling.DEFAULT.withDeadline(now.plusSeconds(1)).withCostHint(ms.apply(800)))));
        assertEquals(Reason.DEADLINE_UNREACHABLE, e.reason());
        assertTrue(e.getMessage().contains("cannot be met") && e.getMessage().contains("llm.admission"), e.getMessage());
        // due later: the same 300 + 800 ms fit into 5 s
        var fits = kernel.submit(LlmQuery.chat("a", "fits").withScheduling(aios.kernel.api.syscall.Scheduling.DEFAULT
                .withDeadline(now.plusSeconds(5)).withCostHint(ms.apply(800))));
        // no deadline: never refused
        var none = kernel.submit(LlmQuery.chat("a", "none"));
        assertEquals(4, llmQueue().waiting() + llmQueue().running());
        backend.permits.release(4);
        awaitAll(List.of(holder, first, fits, none));
    }

    @Test
    void aPolicyTakingTooLongInACall_isReplacedByFifo() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1, "policy.call.limit.ms", 5));
        kernel.installPolicy(TestKernels.provider("slow", () -> new Stack() {
            @Override
            public void offer(Task t) {
                if (t.id() >= 2) { // every offer after the first: t1, t2, t3
                    long end = System.nanoTime() + 30_000_000L; // 30 ms, over the 5 ms limit
                    while (System.nanoTime() < end) {
                        java.util.concurrent.locks.LockSupport.parkNanos(end - System.nanoTime()); // may wake early
                    }
                }
                super.offer(t);
            }
        }));
        kernel.switchPolicy(Resource.LLM, "slow");
        List<SyscallHandle> hs = submit(1);
        backend.awaitEntered(1);
        for (int i = 1; i < 4; i++) {
            hs.add(kernel.submit(LlmQuery.chat("a", "t" + i)));
            assertEquals(i < 3 ? "slow" : BuiltinFifo.NAME, llmQueue().policy(), "replaced at the third slow call");
        }
        String error = (String) events.topic(KernelEvents.POLICY_FALLBACK, 1).get(0).getProperty(KernelEvents.ERROR);
        assertTrue(error.contains("slow") && error.contains("3rd call in a row") && error.contains("policy.call.limit.ms"),
                error);
        backend.permits.release(4);
        awaitAll(hs);
        assertEquals(List.of("t0", "t1", "t2", "t3"), backend.order, "every task ran once, FIFO after the fallback");
    }

    @Test
    void aBadConfigurationAtStart_leavesTheKernelRunningOnItsDefaults() throws Exception {
        kernel = TestKernels.start(Map.of("llm.workers", 0, "llm.policy", "fifo"), events);
        kernel.addLlmBackend(null, new TestKernels.EchoBackend());
        kernel.register("a");
        assertEquals(2, llmQueue().workers(), "the default worker count");
        LlmResult r = (LlmResult) kernel.submit(LlmQuery.chat("a", "still here")).result().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals("still here", r.text());
    }

    @Test
    void reconfiguringWorkersAndPolicyAtRunTime_takesEffect() throws Exception {
        GatedBackend backend = gatedKernel(Map.of("llm.workers", 1));
        kernel.installPolicy(TestKernels.provider("stack", Stack::new));
        kernel.modified(TestKernels.config(Map.of("llm.workers", 3, "llm.policy", "stack")));
        QueueInfo q = llmQueue();
        assertEquals(3, q.workers());
        assertEquals("stack", q.policy());
        List<SyscallHandle> hs = submit(3);
        backend.awaitEntered(3); // three run at once
        backend.permits.release(3);
        awaitAll(hs);
        kernel.modified(TestKernels.config(Map.of("llm.policy", "missing")));
        assertEquals(BuiltinFifo.NAME, llmQueue().policy());
        assertEquals("missing", llmQueue().configuredPolicy());
    }
}
