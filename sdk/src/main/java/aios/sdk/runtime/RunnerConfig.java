package aios.sdk.runtime;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AgentProcesses.PID, name = "AIOS agent runtime",
        description = "Runs installed agents as processes (aios:run): how many at once, and how many finished ones are "
                + "kept for aios:ps and aios:wait")
public @interface RunnerConfig {

    @AttributeDefinition(name = "processes.parallel", description = "Agent processes running at once; later ones "
            + "wait QUEUED in order of submission. Each runs on a virtual thread, and its syscalls wait in the "
            + "kernel's queues like any others", min = "1")
    int processes_parallel() default 64;

    @AttributeDefinition(name = "processes.retained", description = "Finished agent processes kept with their "
            + "results for look-ups; past it the oldest finished ones are forgotten", min = "1")
    int processes_retained() default 1000;
}
