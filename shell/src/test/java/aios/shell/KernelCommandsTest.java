package aios.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.syscall.Resource;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KernelCommandsTest {

    /** A kernel that only answers {@link Kernel#queues()}. */
    private static KernelCommands commandsOver(List<QueueInfo> queues) {
        Kernel kernel = (Kernel) Proxy.newProxyInstance(Kernel.class.getClassLoader(), new Class<?>[] {Kernel.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "queues" -> queues;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return new KernelCommands(kernel);
    }

    private static QueueInfo queue(Resource r, int workers, String threads, String cpus, String failure) {
        return new QueueInfo(r, "fifo", "fifo", Map.of(), 0, 0, 0, 0, Duration.ZERO, workers, threads, cpus, failure,
                100, 0);
    }

    @Test
    void queues_showTheWorkersCountKindAndCpus_andWhyWorkersRunUnpinned() {
        String out = commandsOver(List.of(
                queue(Resource.LLM, 2, "platform", "0-1", null),
                queue(Resource.MEMORY, 2, "platform", "3", "pinning to CPUs 3 failed: errno=22"),
                queue(Resource.TOOL, 8, "virtual", "", null))).queues();
        String[] lines = out.split("\n");
        assertTrue(lines[0].contains("WORKERS"), out);
        assertTrue(lines[1].matches("llm .* 2 platform cpus 0-1 +100"), out);
        assertTrue(lines[2].matches("memory .* 2 platform cpus 3 \\(unpinned\\) +100"), out);
        assertTrue(lines[3].matches("tool .* 8 virtual +100"), out);
        assertEquals("", lines[4], out);
        assertEquals("memory: the workers run unpinned: pinning to CPUs 3 failed: errno=22", lines[5], out);
        assertEquals(6, lines.length, out);
    }
}
