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
 * @param capacity the most waiting tasks, ≥ 1
 * @param callLimitNanos the longest a policy call may take before the policy is replaced by FIFO
 */
record QueueSettings(String policy, Map<String, String> parameters, int workers, boolean virtualThreads,
                     int capacity, long callLimitNanos) {

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
        parameters = Map.copyOf(parameters);
    }

    static QueueSettings of(Resource r, KernelConfig c) {
        return switch (r) {
            case LLM -> make(r, c.llm_policy(), c.llm_policy_parameters(), c.llm_workers(), c.llm_threads(), c.llm_capacity(),
                    c.policy_call_limit_ms());
            case MEMORY -> make(r, c.memory_policy(), c.memory_policy_parameters(), c.memory_workers(), c.memory_threads(),
                    c.memory_capacity(), c.policy_call_limit_ms());
            case STORAGE -> make(r, c.storage_policy(), c.storage_policy_parameters(), c.storage_workers(),
                    c.storage_threads(), c.storage_capacity(), c.policy_call_limit_ms());
            case TOOL -> make(r, c.tool_policy(), c.tool_policy_parameters(), c.tool_workers(), c.tool_threads(),
                    c.tool_capacity(), c.policy_call_limit_ms());
        };
    }

    private static QueueSettings make(Resource r, String policy, String[] params, int workers, String threads,
                                      int capacity, int callLimitMillis) {
        try {
            return new QueueSettings(policy.trim(), parseParameters(params), workers, parseThreads(threads), capacity,
                    callLimitMillis * 1_000_000L);
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

    private static boolean parseThreads(String threads) {
        return switch (threads == null ? "" : threads.trim().toLowerCase(Locale.ROOT)) {
            case "virtual" -> true;
            case "platform" -> false;
            default -> throw new IllegalArgumentException("threads '" + threads + "' must be virtual or platform");
        };
    }
}
