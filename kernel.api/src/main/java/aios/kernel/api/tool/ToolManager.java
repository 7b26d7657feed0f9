package aios.kernel.api.tool;

import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolResult;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Runs tool calls: the kernel hands every call of a {@link aios.kernel.api.syscall.ToolQuery} to the tool manager,
 * on a worker of the tool queue, after the access check. The manager knows the installed {@link ToolService}s,
 * checks each call's arguments against the tool's parameter schema before the tool runs, lets at most the tool's
 * {@link ToolService#parallelism() parallelism} calls of it run at once, and stops a call that exceeds its
 * {@link ToolService#timeout() timeout}.
 *
 * <p>Thread-safe: the kernel calls it from several workers at once.
 *
 * @since 1.1
 */
@ProviderType
public interface ToolManager {

    /** The tools that can be called now, sorted by name. */
    List<ToolDescriptor> tools();

    /** The tool of that name, if one is installed and callable now. */
    Optional<ToolDescriptor> tool(String name);

    /**
     * Runs one call for an agent and returns its outcome. Blocks until the tool has answered, failed or timed out.
     * Bad input never throws: an unknown tool, arguments that are not a JSON object or violate the tool's schema, a
     * tool that throws, one that does not finish within its timeout, or one that found no free slot within its
     * timeout, each give an outcome with {@code ok == false} and an error naming the tool, what was wrong and what to
     * do. A call that timed out has been interrupted; the caller gets its outcome right after the timeout even if the
     * tool ignores the interruption, and the tool's slot stays taken until it has really ended, so the parallelism
     * limit holds.
     *
     * @param agent the calling agent (the tool sees it in its {@link ToolInvocation})
     * @param callId the call's id within its query, echoed in the outcome
     * @param call the tool's name and its arguments as JSON text
     * @throws InterruptedException if the calling thread was interrupted (the syscall was cancelled); the tool's
     *     invocation is interrupted too
     */
    ToolResult.Outcome call(String agent, String callId, ToolCall call) throws InterruptedException;
}
