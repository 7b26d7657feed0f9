package aios.kernel.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * A set of CPU numbers, written in Linux's cpu-list syntax ({@code 0}, {@code 0-1}, {@code 0,2-3}): the CPUs a
 * queue's workers are pinned to. Immutable; the empty set means "not pinned".
 */
final class CpuSet {

    static final CpuSet NONE = new CpuSet(new BitSet());

    private final BitSet cpus;

    private CpuSet(BitSet cpus) {
        this.cpus = cpus;
    }

    /**
     * Parses a cpu list. Blank means {@link #NONE}.
     *
     * @param list comma-separated CPU numbers and ranges {@code N-M}, spaces allowed around them
     * @param usable the CPUs this process may run on ({@link #usable()}); every CPU named must be one of them
     * @throws IllegalArgumentException naming what is wrong, and with a CPU that is not usable, which CPUs are
     */
    static CpuSet parse(String list, CpuSet usable) {
        if (list == null || list.isBlank()) {
            return NONE;
        }
        BitSet bits = new BitSet();
        for (String item : list.split(",", -1)) {
            String entry = item.strip();
            if (entry.isEmpty()) {
                throw new IllegalArgumentException("it has an empty entry: write CPU numbers or ranges separated by"
                        + " commas, such as 0 or 0-1 or 0,2-3");
            }
            int dash = entry.indexOf('-');
            int first = number(dash < 0 ? entry : entry.substring(0, dash), entry);
            int last = dash < 0 ? first : number(entry.substring(dash + 1), entry);
            if (last < first) {
                throw new IllegalArgumentException("the range " + entry + " runs backwards: write " + last + "-"
                        + first);
            }
            bits.set(first, last + 1);
        }
        BitSet outside = (BitSet) bits.clone();
        outside.andNot(usable.cpus);
        if (!outside.isEmpty()) {
            int cpu = outside.nextSetBit(0);
            throw new IllegalArgumentException("CPU " + cpu + " is not available: this machine gives the kernel "
                    + usable.size() + (usable.size() == 1 ? " CPU" : " CPUs") + " (" + usable + ")");
        }
        return new CpuSet(bits);
    }

    private static int number(String text, String entry) {
        String digits = text.strip();
        if (digits.isEmpty() || digits.chars().anyMatch(c -> c < '0' || c > '9') || digits.length() > 6) {
            throw new IllegalArgumentException("'" + entry + "' is not a CPU number or a range of them: write N or"
                    + " N-M with CPU numbers counted from 0, such as 0 or 0-1 or 0,2-3");
        }
        return Integer.parseInt(digits);
    }

    /**
     * The CPUs this process may run on: on Linux its {@code Cpus_allowed_list} (which reflects {@code taskset} and
     * cgroup cpusets), elsewhere CPUs 0 to {@link Runtime#availableProcessors()} - 1.
     */
    static CpuSet usable() {
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("Cpus_allowed_list:")) {
                        return parse(line.substring(line.indexOf(':') + 1), all(4096));
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                // not the Linux format after all: fall back to the processor count
            }
        }
        return all(Runtime.getRuntime().availableProcessors());
    }

    /** The CPUs whose bits are set. */
    static CpuSet of(BitSet bits) {
        return new CpuSet((BitSet) bits.clone());
    }

    /** CPUs 0 to {@code count} - 1. */
    static CpuSet all(int count) {
        BitSet bits = new BitSet();
        bits.set(0, count);
        return new CpuSet(bits);
    }

    boolean isEmpty() {
        return cpus.isEmpty();
    }

    int size() {
        return cpus.cardinality();
    }

    /** The CPUs as a new bit set (bit n set: CPU n), for the affinity library. */
    BitSet bits() {
        return (BitSet) cpus.clone();
    }

    /** The canonical cpu list, ranges joined ({@code 0-1,3}); empty for {@link #NONE}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int first = cpus.nextSetBit(0); first >= 0; ) {
            int end = cpus.nextClearBit(first); // one past the last of this run
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(first);
            if (end - 1 > first) {
                sb.append('-').append(end - 1);
            }
            first = cpus.nextSetBit(end);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet other && cpus.equals(other.cpus);
    }

    @Override
    public int hashCode() {
        return cpus.hashCode();
    }
}
