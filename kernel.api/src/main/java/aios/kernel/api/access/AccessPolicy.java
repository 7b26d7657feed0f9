package aios.kernel.api.access;

import aios.kernel.api.syscall.Syscall;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides who may call what. The kernel asks the highest-ranked policy for every syscall at submit, on the
 * submitting thread: answer quickly and do not block. Without any policy service the kernel lets agents touch
 * only their own data and call no tools.
 */
@ConsumerType
public interface AccessPolicy {

    AccessDecision check(Syscall call);
}
