package aios.kernel.api;

import aios.kernel.api.syscall.SyscallResult;
import aios.kernel.api.syscall.Syscall;
import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What {@link Kernel#submit} returns: the syscall's id, its result to come, and its status and timings now.
 * Thread-safe; status and timings change as the syscall moves on.
 */
@ProviderType
public interface SyscallHandle {

    /** The kernel-wide unique id, increasing in order of acceptance. */
    long id();

    /** The submitted syscall. */
    Syscall syscall();

    /**
     * Completes with the result, or exceptionally with a {@link SyscallException} saying why it failed, or a
     * {@link java.util.concurrent.CancellationException} if it was cancelled.
     */
    CompletionStage<SyscallResult> result();

    SyscallStatus status();

    Timings timings();
}
