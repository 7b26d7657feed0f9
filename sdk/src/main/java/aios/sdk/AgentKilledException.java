package aios.sdk;

import aios.kernel.api.SyscallException;

/**
 * The agent's process was killed: the syscall it waited for was cancelled, and every later one is refused. Agent code
 * should let it pass (catching {@link SyscallException} to retry a call would otherwise retry in vain).
 */
public class AgentKilledException extends SyscallException {
    private static final long serialVersionUID = 1L;

    public AgentKilledException(String message) {
        super(message);
    }
}
