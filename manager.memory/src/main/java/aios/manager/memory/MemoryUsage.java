package aios.manager.memory;

import java.util.List;

/**
 * What the memory manager holds, in all and per agent, taken at one instant (the in-memory figures of all agents
 * add up to the totals).
 *
 * @param residentNotes notes held in memory, all agents
 * @param residentBytes their bytes
 * @param limit the global limit on those bytes (0: none)
 * @param targetPercent eviction frees memory down to this percent of the limit
 * @param evictions notes evicted since the manager started
 * @param reloads notes read back from the store because they were not in memory
 * @param agents each agent the manager has served since it started, by name
 */
record MemoryUsage(int residentNotes, long residentBytes, long limit, int targetPercent, long evictions, long reloads,
                   List<Agent> agents) {

    /**
     * One agent's share.
     *
     * @param storedNotes its notes in the store, which holds all of them (in memory or not)
     * @param storedBytes their bytes, what its quota counts
     * @param quota its quota (0: none)
     */
    record Agent(String agent, int residentNotes, long residentBytes, int storedNotes, long storedBytes, long quota,
                 long evictions, long reloads) {

        /** Fraction of its quota its notes use; 0 without a quota. */
        double utilisation() {
            return quota == 0 ? 0 : (double) storedBytes / quota;
        }
    }

    /** Fraction of the global limit held in memory; 0 without a limit. */
    double utilisation() {
        return limit == 0 ? 0 : (double) residentBytes / limit;
    }
}
