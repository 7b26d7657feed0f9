package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallRejectedException.Reason;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.access.AccessDecision;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Role;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolDescriptor;
import aios.kernel.api.tool.ToolManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Tool syscalls go through the installed {@link ToolManager}; without one, or for an unknown tool, they are refused. */
class ToolPathTest {

    private final TestKernels.EventRecorder events = new TestKernels.EventRecorder();
    private KernelRouter kernel;

    @BeforeEach
    void start() {
        kernel = TestKernels.start(Map.of(), events);
        kernel.setAccessPolicy(call -> AccessDecision.allow());
        kernel.register("a");
    }

    @AfterEach
    void stop() {
        kernel.deactivate();
    }

    /** Answers every call of "echo" with its arguments; "block" waits until interrupted. */
    static final class EchoManager implements ToolManager {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch blocked = new CountDownLatch(1);

        private static ToolDescriptor descriptor(String name) {
            return new ToolDescriptor(name, name + " for tests", "{\"type\":\"object\"}", true, 1, Duration.ofSeconds(5));
        }

        @Override
        public List<ToolDescriptor> tools() {
            return List.of(descriptor("block"), descriptor("echo"));
        }

        @Override
        public Optional<ToolDescriptor> tool(String name) {
            return tools().stream().filter(t -> t.name().equals(name)).findFirst();
        }

        @Override
        public ToolResult.Outcome call(String agent, String callId, ToolCall call) throws InterruptedException {
            calls.add(agent + ":" + callId + ":" + call.name());
            if (call.name().equals("block")) {
                blocked.countDown();
                new CountDownLatch(1).await();
            }
            return ToolResult.Outcome.success(callId, call.name(), call.arguments());
        }
    }

    @Test
    void withoutAToolManager_aToolSyscallIsRefusedNamingTheMissingManager() {
        var e = assertThrows(SyscallRejectedException.class,
                () -> kernel.submit(new ToolQuery("a", new ToolCall(null, "calc", "{}"))));
        assertEquals(Reason.NO_SERVICE, e.reason());
        assertTrue(e.getMessage().contains("no tool manager is installed: install manager.tool"), e.getMessage());
    }

    @Test
    void anUnknownTool_isRefusedNamingTheInstalledOnes() {
        kernel.setToolManager(new EchoManager());
        var e = assertThrows(SyscallRejectedException.class, () -> kernel.submit(new ToolQuery("a",
                List.of(new ToolCall("1", "echo", "{}"), new ToolCall("2", "nope", "{}")), null)));
        assertEquals(Reason.NO_SERVICE, e.reason());
        assertEquals("no tool named 'nope' is installed: installed are block, echo", e.getMessage());
    }

    @Test
    void callsRunInOrderThroughTheManager_withIdsOrTheirIndex() throws Exception {
        EchoManager manager = new EchoManager();
        kernel.setToolManager(manager);
        SyscallHandle h = kernel.submit(new ToolQuery("a",
                List.of(new ToolCall(null, "echo", "{\"x\":1}"), new ToolCall("mine", "echo", "{\"x\":2}")), null));
        ToolResult r = (ToolResult) h.result().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(List.of(ToolResult.Outcome.success("0", "echo", "{\"x\":1}"),
                ToolResult.Outcome.success("mine", "echo", "{\"x\":2}")), r.outcomes());
        assertEquals(List.of("a:0:echo", "a:mine:echo"), manager.calls);
        assertEquals(Role.TOOL, r.messages().get(1).role());
        assertEquals("mine", r.messages().get(1).toolCallId());
    }

    @Test
    void aModelsToolCalls_runThroughTheSamePath() throws Exception {
        EchoManager manager = new EchoManager();
        kernel.setToolManager(manager);
        LlmResult answer = new LlmResult("", List.of(new ToolCall("c1", "echo", "{\"q\":\"x\"}")), "tool_calls", 3, 4,
                "m");
        ToolResult r = (ToolResult) kernel.submit(ToolQuery.of("a", answer)).result().toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals("{\"q\":\"x\"}", r.outcomes().get(0).output());
        assertEquals(List.of("a:c1:echo"), manager.calls);
        assertThrows(IllegalArgumentException.class,
                () -> ToolQuery.of("a", new LlmResult("text", List.of(), "stop", 1, 1, "m")));
    }

    @Test
    void aManagerRemovedAfterSubmit_failsTheCallsLeftWithAnOutcome() throws Exception {
        kernel.deactivate();
        // one tool worker, held by a blocking call, so the next syscall waits in the queue while the manager goes away
        kernel = TestKernels.start(Map.of("tool.workers", 1), events);
        kernel.setAccessPolicy(call -> AccessDecision.allow());
        kernel.register("a");
        EchoManager manager = new EchoManager();
        kernel.setToolManager(manager);
        SyscallHandle blocker = kernel.submit(new ToolQuery("a", new ToolCall(null, "block", "{}")));
        assertTrue(manager.blocked.await(5, TimeUnit.SECONDS));
        SyscallHandle waiting = kernel.submit(new ToolQuery("a", new ToolCall(null, "echo", "{}")));
        kernel.unsetToolManager(manager);
        assertTrue(kernel.cancel(blocker.id()));
        ToolResult r = (ToolResult) waiting.result().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertFalse(r.outcomes().get(0).ok());
        assertTrue(r.outcomes().get(0).error().contains("no tool manager is installed"), r.outcomes().get(0).error());
    }

    @Test
    void cancellingARunningToolSyscall_interruptsTheCall() throws Exception {
        EchoManager manager = new EchoManager();
        kernel.setToolManager(manager);
        SyscallHandle h = kernel.submit(new ToolQuery("a", new ToolCall(null, "block", "{}")));
        assertTrue(manager.blocked.await(5, TimeUnit.SECONDS));
        assertTrue(kernel.cancel(h.id()));
        assertThrows(CancellationException.class,
                () -> h.result().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join());
        assertEquals(SyscallStatus.CANCELLED, h.status());
    }
}
