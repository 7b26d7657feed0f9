package aios.sdk.runtime;

import aios.kernel.api.agent.AgentDescription;
import aios.sdk.Agent;

/**
 * An {@link Agent} service as the runtime knows it: its name and description, read once when it appeared, and its
 * ranking among services of the same name (higher first, then older first).
 */
record InstalledAgent(String name, String description, Agent agent, int ranking, long serviceId)
        implements Comparable<InstalledAgent> {

    AgentDescription asDescription() {
        return new AgentDescription(name, description);
    }

    @Override
    public int compareTo(InstalledAgent o) {
        int byRank = Integer.compare(o.ranking, ranking);
        return byRank != 0 ? byRank : Long.compare(serviceId, o.serviceId);
    }
}
