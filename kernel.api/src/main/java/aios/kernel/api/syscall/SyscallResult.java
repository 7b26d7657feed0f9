package aios.kernel.api.syscall;

/** What a completed syscall returns; one record per syscall kind. */
public sealed interface SyscallResult permits LlmResult, MemoryResult, StorageResult, ToolResult {
}
