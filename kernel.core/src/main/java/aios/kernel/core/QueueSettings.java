package aios.kernel.core;

import aios.kernel.api.syscall.Resource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One resource's queue settings, read from the kernel's configuration.
 *
 * @param policy the policy name the queue should run
 * @param parameters the policy's per-queue parameters
 * @param workers worker count, ≥ 1
 * @param virtualThreads virtual or platform worker threads
 * @param cpus the CPUs the (platform) workers are pinned to; empty: not pinned
 * @param capacity the most waiting tasks, ≥ 1
 * @param callLimitNanos the longest a policy call may take before the policy is replaced by FIFO
 * @param admission whether syscalls whose deadline cannot be met are refused at submit
 */
record QueueSettings(String policy, Map<String, String> parameters, int workers, boolean virtualThreads,
                     CpuSet cpus, int capacity, long callLimitNanos, boolean admission) {

    QueueSettings {
        if (policy == null || policy.isBlank()) {
            throw new IllegalArgumentException("policy name is empty: name an installed policy such as fifo");
        }
        if (workers < 1 || workers > 4096) {
            throw new IllegalArgumentException("workers " + workers + " must be between 1 and 4096");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " must be at least 1");
        }
        if (callLimitNanos < 1_000_000) {
            throw new IllegalArgumentException("policy.call.limit.ms " + callLimitNanos / 1_000_000 + " must be at least 1");
        }
        if (virtualThreads && !cpus.isEmpty()) {
            throw new IllegalArgumentException("virtual worker threads cannot be pinned to CPUs " + cpus);
        }
        parameters = Map.copyOf(parameters);
    }

    static QueueSettings of(Resource r, KernelConfig c) {
        return switch (r) {
            case LLM -> make(r, c.llm_policy(), c.llm_policy_parameters(), c.llm_workers(), c.llm_threads(),
                    c.llm_cpus(), c.llm_capacity(), c.policy_call_limit_ms(),
                    c.llm_admission());
            case MEMORY -> make(r, c.memory_policy(), c.memory_policy_parameters(), c.memory_workers(), c.memory_threads(),
                    c.memory_cpus(), c.memory_capacity(), c.policy_call_limit_ms(),
                    c.memory_admission());
            case STORAGE -> make(r, c.storage_policy(), c.storage_policy_parameters(), c.storage_workers(),
                    c.storage_threads(), c.storage_cpus(), c.storage_capacity(), c.policy_call_limit_ms(),
                    c.storage_admission());
            case TOOL -> make(r, c.tool_policy(), c.tool_policy_parameters(), c.tool_workers(), c.tool_threads(),
                    c.tool_cpus(), c.tool_capacity(), c.policy_call_limit_ms(),
                    c.tool_admission());
        };
    }

    private static QueueSettings make(Resource r, String policy, String[] params, int workers, String threads,
                                      String cpus, int capacity, int callLimitMillis, boolean admission) {
        try {
            boolean virtual = parseThreads(threads);
            CpuSet cpuSet = parseCpus(r, cpus);
            if (virtual && !cpuSet.isEmpty()) {
                throw new IllegalArgumentException(r.id() + ".threads=virtual cannot be combined with " + r.id()
                        + ".cpus=" + cpus + ": virtual threads run on the JVM's shared carrier threads, so they cannot"
                        + " be pinned; set " + r.id() + ".threads=platform, or leave " + r.id() + ".cpus empty");
            }
            return new QueueSettings(policy.trim(), parseParameters(params), workers, virtual, cpuSet, capacity,
                    callLimitMillis * 1_000_000L, admission);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("configuration aios.kernel, queue " + r.id() + ": " + e.getMessage(), e);
        }
    }

    static Map<String, String> parseParameters(String[] params) {
        Map<String, String> m = new LinkedHashMap<>();
        if (params != null) {
            for (String p : params) {
                if (p == null || p.isBlank()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("policy parameter '" + p + "' is not of the form key=value");
                }
                m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
            }
        }
        return m;
    }

    private static CpuSet parseCpus(Resource r, String cpus) {
        try {
            return CpuSet.parse(cpus, CpuSet.usable());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(r.id() + ".cpus='" + cpus + "' is not a usable cpu list: "
                    + e.getMessage(), e);
        }
    }

    private static boolean parseThreads(String threads) {
        return switch (threads == null ? "" : threads.trim().toLowerCase(Locale.ROOT)) {
            case "virtual" -> true;
            case "platform" -> false;
            default -> throw new IllegalArgumentException("threads '" + threads + "' must be virtual or platform");
        };
    }
}
