package aios.kernel.core;

import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.Timings;
import aios.kernel.api.syscall.Resource;

/**
 * What the kernel keeps of a finished syscall for status look-ups: a few fields, not the request and its
 * result, so that keeping many of them costs little memory (and garbage collection little time).
 */
record FinishedSyscall(long id, String agent, Resource resource, String kind, SyscallStatus status, String policy,
                       long arrivalNanos, long startNanos, long endNanos, String error) {

    static FinishedSyscall of(KernelTask t) {
        return new FinishedSyscall(t.id, t.agent(), t.resource, t.kind, t.status(), t.policy, t.arrivalNanos,
                t.startNanos, t.endNanos, t.error);
    }

    SyscallInfo info(KernelClock clock) {
        return new SyscallInfo(id, agent, resource, kind, status, policy, new Timings(clock.toInstant(arrivalNanos),
                startNanos == 0 ? null : clock.toInstant(startNanos), clock.toInstant(endNanos)), error);
    }
}
