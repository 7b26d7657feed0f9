package aios.sdk;

import aios.kernel.api.SyscallException;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;

/** The modules' one way to make a syscall: the session's {@link AgentSession#call}, its result of the expected kind. */
final class Results {

    private Results() {
    }

    static <R extends SyscallResult> R call(AgentSession session, Syscall syscall, Class<R> kind) {
        SyscallResult result = session.call(syscall);
        if (!kind.isInstance(result)) {
            throw new SyscallException("syscall " + syscall.kind() + " of agent '" + syscall.agent() + "' answered "
                    + (result == null ? "nothing" : "a " + result.getClass().getSimpleName()) + " where a "
                    + kind.getSimpleName() + " was due: the kernel or the service that ran it is at fault");
        }
        return kind.cast(result);
    }
}
