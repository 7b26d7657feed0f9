package aios.sdk.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.agent.AgentDescription;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentProcess.Status;
import aios.kernel.api.syscall.LlmQuery;
import aios.sdk.Agent;
import aios.sdk.AgentKilledException;
import aios.sdk.AgentSession;
import java.lang.annotation.Annotation;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Constants;

class AgentProcessesTest {

    private final FakeKernel kernel = new FakeKernel();
    private AgentProcesses runner = runner(64, 1000);
    private long serviceIds;

    private AgentProcesses runner(int parallel, int retained) {
        return new AgentProcesses(kernel, config(parallel, retained), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        runner.deactivate();
    }

    static RunnerConfig config(int parallel, int retained) {
        return new RunnerConfig() {
            public Class<? extends Annotation> annotationType() {
                return RunnerConfig.class;
            }

            public int processes_parallel() {
                return parallel;
            }

            public int processes_retained() {
                return retained;
            }
        };
    }

    interface Body {
        String run(AgentSession session, String input) throws Exception;
    }

    static Agent agent(String name, Body body) {
        return new Agent() {
            public String name() {
                return name;
            }

            public String description() {
                return "the " + name + " agent";
            }

            public String run(AgentSession session, String input) throws Exception {
                return body.run(session, input);
            }
        };
    }

    private Agent install(Agent agent, int ranking) {
        runner.addAgent(agent, Map.of(Constants.SERVICE_ID, ++serviceIds, Constants.SERVICE_RANKING, ranking));
        return agent;
    }

    private Agent install(String name, Body body) {
        return install(agent(name, body), 0);
    }

    private AgentProcess finished(AgentProcess p) throws Exception {
        return runner.finished(p.id()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aProcessRunsItsAgentAsTheKernelAgentOfItsName_andEndsDoneWithTheResultAndTimings() throws Exception {
        install("echo", (session, input) -> session.planning().chat(input) + " from p" + session.processId());

        AgentProcess started = runner.start("echo", "hello");
        AgentProcess done = finished(started);

        assertEquals(Status.DONE, done.status());
        assertEquals("echo: hello from p" + started.id(), done.result());
        assertNull(done.error());
        assertEquals("hello", done.input());
        assertTrue(kernel.registered.contains("echo"));
        assertEquals("echo", kernel.submitted.get(0).agent());
        assertNotNull(done.started());
        assertFalse(done.ended().isBefore(done.started()));
        assertFalse(done.started().isBefore(done.submitted()));
        assertEquals(done, runner.process(started.id()).orElseThrow());
        assertEquals(List.of(done), runner.processes());
    }

    @Test
    void anAgentThatThrowsEndsFailedWithItsMessage() throws Exception {
        install("thrower", (session, input) -> {
            throw new IllegalStateException("the thrower always fails");
        });
        install("silent", (session, input) -> {
            throw new NullPointerException();
        });
        AgentProcess failed = finished(runner.start("thrower", ""));
        assertEquals(Status.FAILED, failed.status());
        assertEquals("the thrower always fails", failed.error());
        assertNull(failed.result());
        assertEquals("java.lang.NullPointerException", finished(runner.start("silent", null)).error());
    }

    @Test
    void killingAProcessCancelsTheSyscallItWaitsFor_andRefusesItsLaterOnes() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AtomicReference<Throwable> later = new AtomicReference<>();
        CountDownLatch agentEnded = new CountDownLatch(1);
        install("holder", (session, input) -> {
            try {
                return session.planning().chat("hold");
            } catch (AgentKilledException e) {
                seen.set(e);
                try {
                    session.planning().chat("one more");
                } catch (RuntimeException again) {
                    later.set(again);
                }
                throw e;
            } finally {
                agentEnded.countDown();
            }
        });
        AgentProcess p = runner.start("holder", "");
        awaitTrue(() -> kernel.holding() == 1);

        assertTrue(runner.kill(p.id()));

        AgentProcess killed = runner.process(p.id()).orElseThrow();
        assertEquals(Status.KILLED, killed.status(), "killed at once");
        assertEquals("killed on request", killed.error());
        assertEquals(killed, finished(p));
        assertTrue(agentEnded.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(1L), kernel.cancelled);
        assertTrue(seen.get().getMessage().contains("agent process p" + p.id() + " (holder) was killed on request: "
                + "syscall 1 (llm.chat) was cancelled"), seen.get().getMessage());
        assertTrue(later.get() instanceof AgentKilledException, String.valueOf(later.get()));
        assertEquals(1, kernel.submitted.size(), "the refused syscall never reached the kernel");
        assertEquals(Status.KILLED, runner.process(p.id()).orElseThrow().status(), "the agent's exception changes nothing");
        assertFalse(runner.kill(p.id()), "an ended process is not killed again");
    }

    @Test
    void pastTheParallelLimitProcessesWaitQueuedInOrder_andAKilledQueuedOneNeverRuns() throws Exception {
        runner = runner(1, 1000);
        install("holder", (session, input) -> session.planning().chat(input));
        AgentProcess first = runner.start("holder", "hold");
        AgentProcess second = runner.start("holder", "second");
        AgentProcess third = runner.start("holder", "third");
        awaitTrue(() -> kernel.holding() == 1);
        assertEquals(Status.QUEUED, second.status());
        assertEquals(Status.QUEUED, runner.process(third.id()).orElseThrow().status());

        assertTrue(runner.kill(second.id()));
        AgentProcess secondKilled = finished(second);
        assertEquals(Status.KILLED, secondKilled.status());
        assertNull(secondKilled.started(), "never ran");

        assertTrue(runner.kill(first.id()));
        assertEquals("echo: third", finished(third).result(), "the next one runs once a place is free");
        assertEquals(2, kernel.submitted.size(), "the killed queued process made no syscall");
    }

    @Test
    void anUnknownAgentIsRefusedNamingTheInstalledOnes() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> runner.start("story", "x"));
        assertEquals("no agent named 'story' is installed: no agent is installed; install a bundle with an Agent "
                + "component (drop it into bundles/)", none.getMessage());
        install("react", (s, i) -> "");
        install("echo", (s, i) -> "");
        IllegalArgumentException some = assertThrows(IllegalArgumentException.class, () -> runner.start("story", "x"));
        assertEquals("no agent named 'story' is installed: the installed agents are echo, react", some.getMessage());
        assertTrue(runner.processes().isEmpty());
    }

    @Test
    void theHighestRankedAgentOfANameRuns_andAnInvalidNameIsIgnored() throws Exception {
        install(agent("same", (s, i) -> "low"), 0);
        install(agent("same", (s, i) -> "high"), 10);
        install(agent("not a name", (s, i) -> "never"), 0);
        assertEquals(List.of(new AgentDescription("same", "the same agent")), runner.agents());
        assertEquals("high", finished(runner.start("same", "")).result());
    }

    @Test
    void whenAnAgentGoesAwayItsProcessesAreKilled() throws Exception {
        Agent holder = install("holder", (session, input) -> session.planning().chat("hold"));
        AgentProcess p = runner.start("holder", "");
        awaitTrue(() -> kernel.holding() == 1);
        runner.removeAgent(holder, Map.of());
        AgentProcess killed = finished(p);
        assertEquals(Status.KILLED, killed.status());
        assertEquals("killed: its agent 'holder' went away (its bundle stopped or was updated)", killed.error());
        assertEquals(List.of(), runner.agents());
        assertEquals(0, kernel.holding());
    }

    @Test
    void onlyTheNewestFinishedProcessesAreKept() throws Exception {
        runner = runner(64, 2);
        install("echo", (session, input) -> input);
        AgentProcess first = finished(runner.start("echo", "1"));
        finished(runner.start("echo", "2"));
        finished(runner.start("echo", "3"));
        assertTrue(runner.process(first.id()).isEmpty());
        assertEquals(List.of("2", "3"), runner.processes().stream().map(AgentProcess::result).toList());
        IllegalArgumentException gone = assertThrows(IllegalArgumentException.class, () -> runner.finished(first.id()));
        assertTrue(gone.getMessage().startsWith("no agent process p1 is known"), gone.getMessage());
    }

    @Test
    void aSessionSubmitsOnlyAsItsOwnAgent() throws Exception {
        install("alice", (session, input) -> String.valueOf(session.call(LlmQuery.chat("bob", "hi"))));
        assertEquals("agent process p1 acts as agent 'alice' and cannot submit a syscall as 'bob': build it with "
                + "session.agent()", finished(runner.start("alice", "")).error());
    }

    @Test
    void aStoppingRuntimeKillsWhatRuns_andStartsNothingMore() throws Exception {
        install("holder", (session, input) -> session.planning().chat("hold"));
        AgentProcess p = runner.start("holder", "");
        awaitTrue(() -> kernel.holding() == 1);
        CompletableFuture<AgentProcess> end = runner.finished(p.id()).toCompletableFuture();
        runner.deactivate();
        assertEquals("killed: the agent runtime stopped", end.get(10, TimeUnit.SECONDS).error());
        assertThrows(IllegalStateException.class, () -> runner.start("holder", ""));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 10 s");
            Thread.sleep(5);
        }
    }
}
