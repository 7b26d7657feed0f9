package aios.manager.access;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = AccessManager.PID, name = "AIOS access manager",
        description = "Who may call what: agents' grants and privilege groups, approval of irreversible operations, "
                + "API tokens")
public @interface AccessConfig {

    @AttributeDefinition(description = "Where the access list (acl.txt) and the token hashes (tokens.txt) are kept; "
            + "empty: access/ in the kernel's data directory (the framework property aios.data)")
    String directory() default "";

    @AttributeDefinition(name = "approval.timeout.seconds", description = "How long a syscall waits for an "
            + "operator's approval before it is denied", min = "1")
    long approval_timeout_seconds() default 300;

}
