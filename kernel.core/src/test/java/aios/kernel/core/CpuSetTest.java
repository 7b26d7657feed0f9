package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.Resource;
import java.util.BitSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cpu-list syntax of {@code RESOURCE.cpus}, and the errors a person sees for a wrong one. */
class CpuSetTest {

    private static final CpuSet FOUR = CpuSet.all(4);

    @Test
    void listsInLinuxSyntax_areReadAndWrittenInCanonicalForm() {
        assertEquals("0", CpuSet.parse("0", FOUR).toString());
        assertEquals("0-1", CpuSet.parse("0-1", FOUR).toString());
        assertEquals("0,2-3", CpuSet.parse("0,2-3", FOUR).toString());
        assertEquals("0-3", CpuSet.parse(" 3, 1-2 ,0 ", FOUR).toString(), "sorted, joined, spaces ignored");
        assertEquals("1", CpuSet.parse("1-1,1", FOUR).toString());
        assertEquals(CpuSet.parse("0,1", FOUR), CpuSet.parse("0-1", FOUR));

        BitSet bits = CpuSet.parse("0,2-3", FOUR).bits();
        assertEquals("{0, 2, 3}", bits.toString());
    }

    @Test
    void blankMeansNotPinned() {
        assertSame(CpuSet.NONE, CpuSet.parse("", FOUR));
        assertSame(CpuSet.NONE, CpuSet.parse("  ", FOUR));
        assertSame(CpuSet.NONE, CpuSet.parse(null, FOUR));
        assertTrue(CpuSet.NONE.isEmpty());
        assertEquals("", CpuSet.NONE.toString());
    }

    @Test
    void malformedLists_areRefusedWithWhatIsWrong() {
        assertRefused("x", "'x' is not a CPU number or a range of them");
        assertRefused("0-", "'0-' is not a CPU number or a range of them");
        assertRefused("-1", "'-1' is not a CPU number or a range of them");
        assertRefused("1.5", "'1.5' is not a CPU number");
        assertRefused("0-1-2", "'0-1-2' is not a CPU number");
        assertRefused("99999999999", "'99999999999' is not a CPU number");
        assertRefused("0,,1", "it has an empty entry");
        assertRefused("0,", "it has an empty entry");
        assertRefused("3-1", "the range 3-1 runs backwards: write 1-3");
    }

    @Test
    void aCpuTheMachineDoesNotGive_isRefusedSayingHowManyThereAre() {
        assertRefused("4", "CPU 4 is not available: this machine gives the kernel 4 CPUs (0-3)");
        assertRefused("0-7", "CPU 4 is not available: this machine gives the kernel 4 CPUs (0-3)");
        assertEquals("CPU 0 is not available: this machine gives the kernel 1 CPU (1)", assertThrows(
                IllegalArgumentException.class, () -> CpuSet.parse("0", CpuSet.parse("1", FOUR))).getMessage());
    }

    @Test
    void thisMachineGivesTheKernelSomeCpus() {
        assertTrue(CpuSet.usable().size() >= 1, "usable: " + CpuSet.usable());
    }

    @Test
    void theConfigurationError_namesTheKeyTheValueAndTheMachinesCpus() {
        int cpus = CpuSet.usable().size();
        String message = assertThrows(IllegalArgumentException.class, () -> QueueSettings.of(Resource.LLM,
                TestKernels.config(Map.of("llm.cpus", "0-4096")))).getMessage();
        assertTrue(message.startsWith("configuration aios.kernel, queue llm: llm.cpus='0-4096' is not a usable cpu"
                + " list: CPU "), message);
        assertTrue(message.contains("this machine gives the kernel " + cpus + " CPU"), message);

        String garbled = assertThrows(IllegalArgumentException.class, () -> QueueSettings.of(Resource.MEMORY,
                TestKernels.config(Map.of("memory.cpus", "zero")))).getMessage();
        assertTrue(garbled.contains("memory.cpus='zero' is not a usable cpu list: 'zero' is not a CPU number"),
                garbled);
    }

    @Test
    void virtualThreadsWithCpus_areRefused_becauseTheyCannotBePinned() {
        String message = assertThrows(IllegalArgumentException.class, () -> QueueSettings.of(Resource.TOOL,
                TestKernels.config(Map.of("tool.cpus", "0")))).getMessage();
        assertEquals("configuration aios.kernel, queue tool: tool.threads=virtual cannot be combined with tool.cpus=0:"
                + " virtual threads run on the JVM's shared carrier threads, so they cannot be pinned; set"
                + " tool.threads=platform, or leave tool.cpus empty", message);

        QueueSettings platform = QueueSettings.of(Resource.TOOL,
                TestKernels.config(Map.of("tool.cpus", "0", "tool.threads", "platform")));
        assertEquals("0", platform.cpus().toString());
    }

    private static void assertRefused(String list, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> CpuSet.parse(list, FOUR)).getMessage();
        assertTrue(message.startsWith(expected), "for '" + list + "': " + message);
    }
}
