package aios.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.Kernel;
import aios.kernel.api.agent.AgentDescription;
import aios.kernel.api.agent.AgentProcess;
import aios.kernel.api.agent.AgentProcess.Status;
import aios.kernel.api.agent.AgentRunner;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class AgentCommandsTest {

    private static final Instant T0 = Instant.now().minusSeconds(60);

    /** A runner that holds given processes; start adds a RUNNING one, kill turns a running one KILLED. */
    static final class Runner implements AgentRunner {
        final Map<Long, AgentProcess> processes = new TreeMap<>();
        final Map<Long, CompletableFuture<AgentProcess>> ends = new TreeMap<>();

        void put(AgentProcess p) {
            processes.put(p.id(), p);
            CompletableFuture<AgentProcess> end = ends.computeIfAbsent(p.id(), id -> new CompletableFuture<>());
            if (p.status().isFinal()) {
                end.complete(p);
            }
        }

        public List<AgentDescription> agents() {
            return List.of(new AgentDescription("story", "writes stories"));
        }

        public AgentProcess start(String agent, String input) {
            if (!agent.equals("story")) {
                throw new IllegalArgumentException("no agent named '" + agent + "' is installed: the installed agents are story");
            }
            AgentProcess p = new AgentProcess(processes.size() + 1, agent, input, Status.RUNNING, null, null, T0, T0, null);
            put(p);
            return p;
        }

        public Optional<AgentProcess> process(long id) {
            return Optional.ofNullable(processes.get(id));
        }

        public List<AgentProcess> processes() {
            return new ArrayList<>(processes.values());
        }

        public boolean kill(long id) {
            AgentProcess p = processes.get(id);
            if (p.status().isFinal()) {
                return false;
            }
            put(new AgentProcess(id, p.agent(), p.input(), Status.KILLED, null, "killed on request", p.submitted(),
                    p.started(), T0.plusSeconds(1)));
            return true;
        }

        public CompletionStage<AgentProcess> finished(long id) {
            if (!processes.containsKey(id)) {
                throw new IllegalArgumentException("unknown");
            }
            return ends.get(id);
        }
    }

    private static Kernel kernel(List<AgentInfo> agents) {
        return (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "agents" -> agents;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private final Runner runner = new Runner();
    private final AgentCommands commands = new AgentCommands(kernel(List.of()), runner);

    @Test
    void runPrintsTheProcessIdWithItsPrefix_andPsShowsTheTable() {
        assertEquals("p1", commands.run("story", "Once", "upon", "a", "time"));
        runner.put(new AgentProcess(2, "react", "What is 17 * 23? Then write the value to a file named result.txt",
                Status.DONE, "391", null, T0, T0.plusMillis(2), T0.plusMillis(1502)));
        runner.put(new AgentProcess(3, "story", "", Status.QUEUED, null, null, T0, null, null));

        String[] lines = commands.ps().split("\n");

        assertTrue(lines[0].matches("ID +AGENT +STATUS +SUBMITTED +RUNTIME +INPUT"), lines[0]);
        assertTrue(lines[1].matches("p1 +story +RUNNING +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d+ s +Once upon a time"), lines[1]);
        assertTrue(lines[2].matches("p2 +react +DONE +.* +1500 ms +What is 17 \\* 23\\? Then write the value t…"), lines[2]);
        assertTrue(lines[3].matches("p3 +story +QUEUED +[-0-9]+ [:0-9]+ +-"), lines[3]);
    }

    @Test
    void oneProcessInFull_withATextOfSeveralLinesBelowTheTable() {
        runner.put(new AgentProcess(4, "story", "Once upon a time", Status.DONE, "Once upon a time, a dog.\nThe end.\n",
                null, T0, T0.plusMillis(1), T0.plusMillis(11)));
        String out = commands.ps("p4");
        assertTrue(out.startsWith("FIELD      VALUE\nid         p4\nagent      story\nstatus     DONE\n"), out);
        assertTrue(out.contains("\nruntime    10 ms\ninput      Once upon a time\nresult     (below)\nerror      -\n"), out);
        assertTrue(out.endsWith("\nresult:\nOnce upon a time, a dog.\nThe end.\n"), out);
    }

    @Test
    void anEmptyTableSaysHowToStartAProcess() {
        assertEquals("no agent processes (aios:run AGENT INPUT starts one; aios:agents lists the agents)\n", commands.ps());
    }

    @Test
    void waitPrintsTheResult_orSaysWhyThereIsNone() throws Exception {
        runner.put(new AgentProcess(1, "story", "x", Status.DONE, "a story", null, T0, T0, T0));
        runner.put(new AgentProcess(2, "thrower", "x", Status.FAILED, null, "the thrower always fails", T0, T0, T0));
        runner.put(new AgentProcess(3, "held", "x", Status.RUNNING, null, null, T0, T0, null));
        assertEquals("a story", commands.await(1, 1));
        assertEquals("agent process p2 (thrower) failed: the thrower always fails",
                assertThrows(IllegalStateException.class, () -> commands.await(2, 1)).getMessage());
        assertEquals("agent process p3 has not ended within 0 s; it is RUNNING (aios:ps p3 shows it, aios:kill p3 stops it)",
                assertThrows(IllegalStateException.class, () -> commands.await(3, 0)).getMessage());

        assertEquals("killed agent process p3 (held); its unfinished syscalls were cancelled\n", commands.kill("p3"));
        assertEquals("agent process p3 (held) was killed on request",
                assertThrows(IllegalStateException.class, () -> commands.await(3, 1)).getMessage());
        assertEquals("agent process p3 (held) has already ended KILLED; aios:ps p3 shows it",
                assertThrows(IllegalArgumentException.class, () -> commands.kill("P3")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> commands.await(9, 1)).getMessage()
                .startsWith("no agent process p9 is known"));
    }

    @Test
    void processIdsAreNeverTakenForSyscallIds() {
        assertEquals(3, AgentCommands.processId("p3"));
        assertEquals(12, AgentCommands.processId(" P12 "));
        assertTrue(AgentCommands.isProcessId("p3"));
        assertTrue(!AgentCommands.isProcessId(3L) && !AgentCommands.isProcessId("3"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.kill("3"));
        assertEquals("'3' is not an agent process id: give it as aios:run printed it, such as p3 (aios:ps lists them;"
                + " a plain number is a syscall id)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AgentCommands.processId("p0"));
        assertThrows(IllegalArgumentException.class, () -> AgentCommands.processId("px"));
    }

    @Test
    void agentsListsTheInstalledAndTheRegistered() {
        AgentCommands withAlice = new AgentCommands(kernel(List.of(new AgentInfo("alice", T0, 3, 2, 1, 0))), runner);
        String out = withAlice.agents();
        assertTrue(out.startsWith("AGENT  DESCRIPTION\nstory  writes stories\n\nREGISTERED  SINCE"), out);
        assertTrue(out.matches("(?s).*\\nalice +\\d{4}-.* +3 +0 +2 +1\\n"), out);

        String none = new AgentCommands(kernel(List.of()), null).agents();
        assertTrue(none.startsWith("no agent runtime is installed: install the aios.sdk bundle"), none);
        assertTrue(none.contains("no agents registered with the kernel"), none);
        IllegalStateException run = assertThrows(IllegalStateException.class,
                () -> new AgentCommands(kernel(List.of()), null).run("story", "x"));
        assertTrue(run.getMessage().startsWith("no agent runtime is installed"), run.getMessage());
    }
}
