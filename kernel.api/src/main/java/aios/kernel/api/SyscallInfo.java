package aios.kernel.api;

import aios.kernel.api.syscall.Resource;

/**
 * One syscall as the kernel knows it now.
 *
 * @param id its id
 * @param agent the agent it runs for
 * @param resource its resource
 * @param kind its kind, such as {@code llm.chat}
 * @param status where it is
 * @param policy the policy of the queue that ordered it
 * @param timings arrival, start, end
 * @param error why it failed or was cancelled, {@code null} otherwise
 */
public record SyscallInfo(long id, String agent, Resource resource, String kind, SyscallStatus status,
                          String policy, Timings timings, String error) {
}
