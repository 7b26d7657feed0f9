package aios.manager.memory;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AgentMemories.PID, name = "AIOS memory manager",
        description = "Agents' memory notes: the per-agent quota on what they store, the limit on what is kept in "
                + "memory, and how retrieval weighs recency (bytes are UTF-8 bytes of content and metadata; 0: none)")
public @interface MemoryConfig {

    @AttributeDefinition(name = "quota.agent.bytes", description = "Bytes an agent's notes may hold in all, in "
            + "memory or only in the note store; an add or update past it is refused")
    long quota_agent_bytes() default 8L * 1024 * 1024;

    @AttributeDefinition(name = "limit.global.bytes", description = "Bytes of notes kept in memory for all agents; "
            + "past it the least recently used notes leave memory (they stay in the note store)")
    long limit_global_bytes() default 64L * 1024 * 1024;

    @AttributeDefinition(name = "evict.target.percent", description = "Eviction frees memory down to this percent "
            + "of limit.global.bytes, so that it does not run again on the next add", min = "1", max = "100")
    int evict_target_percent() default 80;

    @AttributeDefinition(name = "retrieve.recency.weight", description = "How much recency counts in retrieval, "
            + "from 0 (text match only) to 1 (newest first)", min = "0", max = "1")
    double retrieve_recency_weight() default 0.2;

    @AttributeDefinition(name = "retrieve.recency.halflife.hours",
            description = "Hours after its last update when a note's recency counts half")
    double retrieve_recency_halflife_hours() default 24;
}
