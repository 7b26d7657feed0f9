package aios.kernel.core;

import java.util.BitSet;
import net.openhft.affinity.Affinity;

/**
 * Pins the calling platform thread to a {@link CpuSet}, through OpenHFT's Java-Thread-Affinity library
 * ({@code sched_setaffinity} through JNA on Linux). The only class of the kernel that uses the library.
 *
 * <p>The library is an optional import of this bundle: without it, or where it cannot pin (no JNA, an operating
 * system it does not support), pinning fails with a reason and the thread runs where the operating system puts
 * it. Success is read back from the system, not assumed.
 */
final class CpuBinding {

    private CpuBinding() {
    }

    /**
     * Pins the calling thread to {@code cpus}. Never throws for a failure to pin.
     *
     * @return {@code null} when the thread now runs only on {@code cpus}, otherwise why it does not
     */
    static String pinCurrentThread(CpuSet cpus) {
        if (Thread.currentThread().isVirtual()) {
            return "a virtual thread cannot be pinned: it runs on the JVM's shared carrier threads";
        }
        BitSet wanted = cpus.bits();
        try {
            Affinity.setAffinity(wanted);
            BitSet now = Affinity.getAffinity();
            if (!now.equals(wanted)) {
                return "the thread-affinity library could not pin threads on " + System.getProperty("os.name") + " "
                        + System.getProperty("os.arch") + ": asked for CPUs " + cpus + ", the thread may run on "
                        + (now.isEmpty() ? "any CPU" : "CPUs " + CpuSet.of(now));
            }
            return null;
        } catch (NoClassDefFoundError e) {
            return "the thread-affinity library is not installed (bundles net.openhft.affinity and com.sun.jna): "
                    + e.getMessage();
        } catch (RuntimeException | LinkageError e) {
            return "pinning to CPUs " + cpus + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
