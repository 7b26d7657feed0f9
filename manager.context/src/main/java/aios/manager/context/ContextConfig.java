package aios.manager.context;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AgentContexts.PID, name = "AIOS context manager",
        description = "Agents' contexts, their snapshots on disk, and the default resource limits (0: no limit)")
public @interface ContextConfig {

    @AttributeDefinition(description = "Where snapshots and per-agent limits are kept; empty: contexts/ in the "
            + "kernel's data directory (the framework property aios.data)")
    String directory() default "";

    @AttributeDefinition(name = "limit.tokens", description = "Tokens an agent's generations may produce in all")
    long limit_tokens() default 0;

    @AttributeDefinition(name = "limit.syscalls", description = "Syscalls the kernel may accept from an agent")
    long limit_syscalls() default 0;

    @AttributeDefinition(name = "limit.wall.seconds",
            description = "Seconds after its registration when an agent may no longer submit or keep generating")
    long limit_wall_seconds() default 0;

    @AttributeDefinition(name = "limit.memory.bytes",
            description = "Bytes an agent's context may hold: its conversation and its saved snapshots")
    long limit_memory_bytes() default 0;
}
