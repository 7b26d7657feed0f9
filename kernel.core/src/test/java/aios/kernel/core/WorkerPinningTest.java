package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workers of a queue with {@code cpus} run only on those CPUs, as the operating system itself reports it: the
 * {@code Cpus_allowed_list} of the worker thread in {@code /proc/self/task/TID/status}, read by the test thread.
 */
class WorkerPinningTest {

    private KernelRouter kernel;

    @BeforeAll
    static void onLinux() {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/status")),
                "pinning is verified through /proc/self/task/TID/status, which only Linux has");
    }

    @AfterEach
    void stop() {
        if (kernel != null) {
            kernel.deactivate();
        }
    }

    /** Answers each syscall with the native thread id of the worker running it, as the affinity library reads it. */
    static final class ThreadIdBackend implements LlmBackend {
        @Override
        public List<String> models() {
            return List.of("tid");
        }

        @Override
        public LlmResult complete(LlmQuery query) {
            return new LlmResult(String.valueOf(Affinity.getThreadId()), List.of(), "stop", 1, 1, "tid");
        }
    }

    private void start(Map<String, Object> config) {
        kernel = TestKernels.start(config, null);
        kernel.addLlmBackend(null, new ThreadIdBackend());
        kernel.register("a");
    }

    /** Runs syscalls until every worker of the llm queue has run one; the workers' native thread ids. */
    private Set<Integer> workerThreadIds(int workers) {
        Set<Integer> tids = new TreeSet<>();
        for (int round = 0; round < 200 && tids.size() < workers; round++) {
            List<SyscallHandle> handles = new ArrayList<>();
            for (int i = 0; i < 4 * workers; i++) {
                handles.add(kernel.submit(LlmQuery.chat("a", "which thread?")));
            }
            for (SyscallHandle h : handles) {
                LlmResult r = (LlmResult) h.result().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
                tids.add(Integer.parseInt(r.text()));
            }
        }
        assertEquals(workers, tids.size(), "native ids of the workers that ran syscalls: " + tids);
        return tids;
    }

    /** The CPUs a thread of this process may run on, as Linux reports them. */
    static String allowedCpus(String statusFile) {
        try {
            for (String line : Files.readAllLines(Path.of(statusFile))) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new AssertionError(statusFile + " has no Cpus_allowed_list line");
    }

    private QueueInfo llm() {
        return kernel.queues().stream().filter(q -> q.resource() == Resource.LLM).findFirst().orElseThrow();
    }

    @Test
    void workersOfAQueueWithCpus_runOnlyOnThem_andMoveWhenTheCpusChange() {
        CpuSet usable = CpuSet.usable();
        start(Map.of("llm.cpus", "0"));
        assertEquals("0", llm().cpus());
        assertNull(llm().cpuBindingFailure());
        for (int tid : workerThreadIds(2)) {
            assertEquals("0", allowedCpus("/proc/self/task/" + tid + "/status"), "worker " + tid);
        }

        String last = String.valueOf(usable.bits().length() - 1);
        kernel.modified(TestKernels.config(Map.of("llm.cpus", last, "llm.workers", 3)));
        assertEquals(last, llm().cpus());
        for (int tid : workerThreadIds(3)) {
            assertEquals(last, allowedCpus("/proc/self/task/" + tid + "/status"), "worker " + tid);
        }

        kernel.modified(TestKernels.config(Map.of()));
        assertEquals("", llm().cpus());
        for (int tid : workerThreadIds(2)) {
            assertEquals(allowedCpus("/proc/self/status"), allowedCpus("/proc/self/task/" + tid + "/status"),
                    "an unpinned worker may run wherever the process may");
        }
    }

    @Test
    void aRefusedConfiguration_leavesTheQueueAsItWas() {
        start(Map.of("llm.cpus", "0"));
        workerThreadIds(2);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernel.modified(
                TestKernels.config(Map.of("llm.cpus", "0", "llm.threads", "virtual", "llm.workers", 5))));
        assertTrue(e.getMessage().contains("llm.threads=virtual cannot be combined with llm.cpus=0"), e.getMessage());

        QueueInfo q = llm();
        assertEquals(2, q.workers());
        assertEquals("platform", q.threads());
        assertEquals("0", q.cpus());
        for (int tid : workerThreadIds(2)) {
            assertEquals("0", allowedCpus("/proc/self/task/" + tid + "/status"), "worker " + tid);
        }
    }

    @Test
    void workersThatCannotBePinned_runAllTheSame_andTheQueueSaysWhy() throws Exception {
        // a CPU the process may not use: the kernel's configuration refuses it, so build the queue directly
        int outside = CpuSet.usable().bits().nextClearBit(0);
        CpuSet unusable = CpuSet.parse(String.valueOf(outside), CpuSet.all(1024));
        CountDownLatch ran = new CountDownLatch(1);
        ResourceQueue queue = new ResourceQueue(Resource.LLM,
                new QueueSettings("fifo", Map.of(), 1, false, unusable, 10, 1_000_000_000L, false),
                task -> ran.countDown(), (swap, owner) -> { }, (task, policy) -> { });
        try {
            QueueInfo info = queue.info();
            assertEquals(String.valueOf(outside), info.cpus());
            assertTrue(info.cpuBindingFailure() != null && info.cpuBindingFailure().startsWith(
                    "pinning to CPUs " + outside + " failed: "), "failure: " + info.cpuBindingFailure());

            queue.offer(new KernelTask(1, LlmQuery.chat("a", "still runs"), "chat", new AgentRecord("a", Instant.now()),
                    new KernelClock(), 0, () -> { }));
            assertTrue(ran.await(10, TimeUnit.SECONDS), "the unpinned worker ran the task");
        } finally {
            queue.close();
        }
    }

    @Test
    void aVirtualThreadIsNeverPinned() throws Exception {
        String[] failure = new String[1];
        Thread.ofVirtual().start(() -> failure[0] = CpuBinding.pinCurrentThread(CpuSet.parse("0", CpuSet.all(1))))
                .join();
        assertFalse(failure[0] == null, "a virtual thread reported as pinned");
        assertTrue(failure[0].contains("shared carrier threads"), failure[0]);
    }
}
