package aios.tool.files;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AgentStorage.PID, name = "AIOS file tools",
        description = "file_read, file_write and file_list: an agent's own files, through the kernel's storage syscalls")
public @interface FilesConfig {

    @AttributeDefinition(name = "parallelism", description = "Calls of each file tool that may run at once", min = "1")
    int parallelism() default 4;

    @AttributeDefinition(name = "timeout.ms", description = "How long one call may take, in milliseconds (waiting in"
            + " the storage queue included)", min = "1")
    long timeout_ms() default 30_000;
}
