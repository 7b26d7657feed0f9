package aios.kernel.api;

/**
 * A syscall failed or was refused. The message says what was wrong, with which input, and what to do.
 */
public class SyscallException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SyscallException(String message) {
        super(message);
    }

    public SyscallException(String message, Throwable cause) {
        super(message, cause);
    }
}
