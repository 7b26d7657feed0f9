package aios.manager.tool;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = InstalledTools.PID, name = "AIOS tool manager",
        description = "Runs agents' tool calls: arguments checked against each tool's JSON Schema, at most each tool's "
                + "parallelism at once, stopped at its timeout")
public @interface ToolConfig {

    @AttributeDefinition(name = "arguments.max.chars", description = "Longest arguments text a tool call may have; "
            + "a longer one is refused before it is parsed", min = "2")
    int arguments_max_chars() default 1024 * 1024;

    @AttributeDefinition(name = "timeout.max.ms", description = "Longest timeout a tool may declare, in milliseconds; "
            + "a tool declaring more is held to this (the log says so)", min = "1")
    long timeout_max_ms() default 10 * 60 * 1000;
}
