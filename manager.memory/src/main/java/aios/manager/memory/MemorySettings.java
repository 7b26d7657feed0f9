package aios.manager.memory;

import java.time.Duration;

/**
 * The memory manager's settings, checked: a bad value is refused with the configuration key to correct.
 *
 * @param agentQuota bytes an agent's notes may hold in all (0: no quota)
 * @param globalLimit bytes of notes kept in memory for all agents (0: no limit)
 * @param targetPercent eviction frees memory down to this percent of the global limit
 * @param recencyWeight how much recency counts in retrieval, 0 to 1
 * @param halfLife age at which a note's recency counts half
 */
record MemorySettings(long agentQuota, long globalLimit, int targetPercent, double recencyWeight, Duration halfLife) {

    MemorySettings {
        if (agentQuota < 0) {
            throw invalid("quota.agent.bytes", agentQuota, "0 (no quota) or more");
        }
        if (globalLimit < 0) {
            throw invalid("limit.global.bytes", globalLimit, "0 (no limit) or more");
        }
        if (targetPercent < 1 || targetPercent > 100) {
            throw invalid("evict.target.percent", targetPercent, "from 1 to 100");
        }
        if (!(recencyWeight >= 0 && recencyWeight <= 1)) {
            throw invalid("retrieve.recency.weight", recencyWeight, "from 0 to 1");
        }
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw invalid("retrieve.recency.halflife.hours", halfLife.toMinutes() / 60.0, "more than 0");
        }
    }

    static MemorySettings of(MemoryConfig c) {
        double hours = c.retrieve_recency_halflife_hours();
        if (!(hours > 0) || Double.isInfinite(hours)) {
            throw invalid("retrieve.recency.halflife.hours", hours, "more than 0");
        }
        return new MemorySettings(c.quota_agent_bytes(), c.limit_global_bytes(), c.evict_target_percent(),
                c.retrieve_recency_weight(), Duration.ofMillis(Math.round(hours * 3_600_000)));
    }

    /** Bytes in memory that an eviction round brings the total down to; 0 without a global limit. */
    long targetBytes() {
        return globalLimit * targetPercent / 100;
    }

    private static IllegalArgumentException invalid(String key, Object value, String expected) {
        return new IllegalArgumentException(key + " " + value + " in " + AgentMemories.PID + " is not valid: give "
                + expected);
    }
}
