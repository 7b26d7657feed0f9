package aios.kernel.api.access;

import aios.kernel.api.syscall.Syscall;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Decides who may call what. The kernel asks the highest-ranked policy service ({@code service.ranking}) for every
 * syscall at submit, on the submitting thread: answer quickly and do not block — no I/O, no waiting for a person.
 * What needs either is answered {@link AccessDecision#pending pending}, and the kernel holds the syscall until the
 * pending outcome completes. A policy with a higher ranking replaces the one in use for the syscalls submitted from
 * then on; when it goes away, the next one takes over. Without any policy service the kernel lets agents touch only
 * their own data and call no tools.
 *
 * <p>Thread-safe: called concurrently by every submitting thread.
 */
@ConsumerType
public interface AccessPolicy {

    /**
     * @return allowed, denied (the reason names what is missing and how to grant it), or pending
     */
    AccessDecision check(Syscall call);
}
