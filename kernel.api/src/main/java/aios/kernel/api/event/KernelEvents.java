package aios.kernel.api.event;

/**
 * Event Admin topics the kernel publishes, and the property keys they carry. Every syscall step is an event;
 * subscribe with {@code aios/syscall/*} for all of them.
 */
public final class KernelEvents {

    private KernelEvents() {
    }

    /** Accepted and queued. Properties: id, agent, resource, kind, policy, priority, arrival. */
    public static final String SUBMITTED = "aios/syscall/SUBMITTED";
    /** Taken by a worker. Adds start and waiting. */
    public static final String STARTED = "aios/syscall/STARTED";
    /** Finished with a result. Adds end and turnaround. */
    public static final String COMPLETED = "aios/syscall/COMPLETED";
    /** Finished with an error. Adds end, turnaround and error. */
    public static final String FAILED = "aios/syscall/FAILED";
    /** Refused at submit; nothing was queued. Properties: agent, resource, kind, reason, error. */
    public static final String REJECTED = "aios/syscall/REJECTED";
    /** Cancelled while waiting or running. Adds error. */
    public static final String CANCELLED = "aios/syscall/CANCELLED";

    /**
     * A syscall finished after its deadline (it is also COMPLETED, FAILED or CANCELLED). Properties as
     * COMPLETED, plus deadline and lateness.
     */
    public static final String DEADLINE_MISSED = "aios/syscall/DEADLINE_MISSED";

    /**
     * A generation used up its time slice and was put back in its queue, its state kept; it continues where it
     * stopped. Properties as STARTED, plus tokens.
     */
    public static final String PREEMPTED = "aios/syscall/PREEMPTED";

    /** A queue's policy changed. Properties: resource, policy, previous, moved, pause. */
    public static final String POLICY_CHANGED = "aios/queue/POLICY_CHANGED";
    /** A queue fell back to FIFO because its policy went away or misbehaved. Adds error. */
    public static final String POLICY_FALLBACK = "aios/queue/POLICY_FALLBACK";

    /**
     * An agent reached one of its resource limits: a syscall was refused or a generation stopped. Properties:
     * agent, limit, used, maximum, error.
     */
    public static final String LIMIT_EXCEEDED = "aios/context/LIMIT_EXCEEDED";
    /** An agent's context was saved. Properties: agent, snapshot, bytes, generations. */
    public static final String CONTEXT_SAVED = "aios/context/SAVED";
    /** An agent's context was restored. Properties: agent, snapshot, generations. */
    public static final String CONTEXT_RESTORED = "aios/context/RESTORED";

    /**
     * A memory add or update was refused because the agent's notes would pass its quota ({@code quota.agent.bytes}
     * of the memory manager). Properties: agent, kind, used (bytes its notes hold), maximum (the quota), bytes (of
     * the refused note, or its growth on update), error.
     */
    public static final String MEMORY_QUOTA_EXCEEDED = "aios/memory/QUOTA_EXCEEDED";
    /**
     * Notes of an agent left memory to bring the memory manager under its limit; they stay in the durable note store
     * and are read back when used. One event per agent per eviction round. Properties: agent, notes, bytes (freed),
     * reason ({@code limit}: the global limit was passed; {@code command}: an operator asked), resident.bytes (held
     * in memory by all agents after the round), maximum (the global limit, 0 for none).
     */
    public static final String MEMORY_EVICTED = "aios/memory/EVICTED";

    /**
     * A tool call returned its output. One event per call of a tool syscall, published by the tool manager.
     * Properties: agent, tool, call.id, duration.us (the tool's own run time).
     */
    public static final String TOOL_COMPLETED = "aios/tool/COMPLETED";
    /** A tool call failed: the tool threw or returned nothing. Properties as TOOL_COMPLETED, plus error. */
    public static final String TOOL_FAILED = "aios/tool/FAILED";
    /**
     * A tool call was refused before the tool ran: no such tool, arguments that are not a JSON object or violate the
     * tool's parameter schema, or a tool whose own schema is not valid. Properties: agent, tool, call.id, error.
     */
    public static final String TOOL_REFUSED = "aios/tool/REFUSED";
    /**
     * A tool call did not finish within the tool's timeout (it was interrupted), or found no free slot within it.
     * Properties: agent, tool, call.id, timeout.ms, error.
     */
    public static final String TOOL_TIMED_OUT = "aios/tool/TIMED_OUT";

    /**
     * The access policy denied a syscall: at submit (the syscall is also REJECTED, reason ACCESS_DENIED), or after
     * holding it (an operator denied it, or nobody approved it in time; the syscall then FAILED). Properties: agent,
     * resource, kind, reason (why, naming the missing permission and how to grant it); syscall.id and approval.id
     * when it had been held, with held.us.
     *
     * @since 1.4
     */
    public static final String ACCESS_DENIED = "aios/access/DENIED";
    /**
     * The access policy holds a syscall until an operator approves or denies it. Properties: syscall.id, agent,
     * resource, kind, approval.id, reason (why it waits).
     *
     * @since 1.4
     */
    public static final String ACCESS_PENDING = "aios/access/PENDING";
    /**
     * A syscall that waited for approval was approved and goes to its queue (SUBMITTED follows). Properties:
     * syscall.id, agent, resource, kind, approval.id, reason (who approved), held.us.
     *
     * @since 1.4
     */
    public static final String ACCESS_APPROVED = "aios/access/APPROVED";

    /**
     * An agent process began to run (the {@link aios.kernel.api.agent.AgentRunner}). Properties: process.id, agent,
     * arrival.us (when it was submitted), start.us, waiting.us. Since 1.4.
     */
    public static final String AGENT_STARTED = "aios/agent/STARTED";
    /** An agent process ended with the agent's result. Adds end.us, turnaround.us. Since 1.4. */
    public static final String AGENT_FINISHED = "aios/agent/FINISHED";
    /** An agent process ended because its agent threw. Adds end.us, turnaround.us, error. Since 1.4. */
    public static final String AGENT_FAILED = "aios/agent/FAILED";
    /**
     * An agent process was killed (start.us and waiting.us are absent when it was killed while queued). Adds end.us,
     * turnaround.us, error (by what it was killed). Since 1.4.
     */
    public static final String AGENT_KILLED = "aios/agent/KILLED";

    /** Syscall id (Long). */
    public static final String ID = "syscall.id";
    /** Agent process id (Long), on aios/agent/* events. Since 1.4. */
    public static final String PROCESS = "process.id";
    /** Agent name (String). */
    public static final String AGENT = "agent";
    /** Resource id: llm, memory, storage, tool (String). */
    public static final String RESOURCE = "resource";
    /** Syscall kind such as llm.chat (String). */
    public static final String KIND = "kind";
    /** Policy name (String). */
    public static final String POLICY = "policy";
    /** Previous policy name (String), on POLICY_CHANGED. */
    public static final String PREVIOUS = "previous";
    /** Priority (Integer). */
    public static final String PRIORITY = "priority";
    /** Epoch microseconds of arrival (Long). */
    public static final String ARRIVAL = "arrival.us";
    /** Epoch microseconds of start (Long). */
    public static final String START = "start.us";
    /** Epoch microseconds of end (Long). */
    public static final String END = "end.us";
    /** Microseconds waited in the queue (Long). */
    public static final String WAITING = "waiting.us";
    /** Microseconds from arrival to end (Long). */
    public static final String TURNAROUND = "turnaround.us";
    /** Tokens generated so far (Integer), on PREEMPTED. */
    public static final String TOKENS = "tokens";
    /** Epoch microseconds of the deadline (Long). */
    public static final String DEADLINE = "deadline.us";
    /** Microseconds a syscall finished after its deadline (Long). */
    public static final String LATENESS = "lateness.us";
    /** Error message (String). */
    public static final String ERROR = "error";
    /**
     * {@code Boolean.TRUE} on COMPLETED, FAILED and CANCELLED when the kernel handed the syscall to the task history
     * ({@link aios.kernel.api.storage.SyscallHistory}) before acknowledging it; absent when none was installed, so a
     * history written from events knows which syscalls it must still write. Since 1.3.
     */
    public static final String RECORDED = "recorded";
    /**
     * Rejection reason, a {@link aios.kernel.api.SyscallRejectedException.Reason} name (String); on MEMORY_EVICTED,
     * why the notes were evicted; on the {@code aios/access/*} topics, the access policy's reason as a sentence.
     */
    public static final String REASON = "reason";
    /** The id of an approval an operator decides (String), on the {@code aios/access/*} topics. @since 1.4 */
    public static final String APPROVAL = "approval.id";
    /** Microseconds a syscall was held for approval (Long), on ACCESS_APPROVED and ACCESS_DENIED. @since 1.4 */
    public static final String HELD = "held.us";
    /** Tasks moved between policies on a switch (Integer). */
    public static final String MOVED = "moved";
    /** Microseconds dispatch was paused for a switch (Long). */
    public static final String PAUSE = "pause.us";

    /** A tool's name (String), on aios/tool/* events. */
    public static final String TOOL = "tool";
    /** A tool call's id within its query (String), on aios/tool/* events. */
    public static final String CALL_ID = "call.id";
    /** Microseconds a tool call ran (Long). */
    public static final String DURATION = "duration.us";
    /** A tool's timeout in milliseconds (Long). */
    public static final String TIMEOUT = "timeout.ms";

    /** Which limit, on LIMIT_EXCEEDED: tokens, syscalls, wall.time or memory.bytes (String). */
    public static final String LIMIT = "limit";
    /** The agent's usage of that limit (Long; milliseconds for wall.time). */
    public static final String USED = "used";
    /** The limit's value (Long; milliseconds for wall.time). */
    public static final String MAXIMUM = "maximum";
    /** A context snapshot's number (Long). */
    public static final String SNAPSHOT = "snapshot";
    /** Size in bytes (Long). */
    public static final String BYTES = "bytes";
    /** Generations held by a snapshot (Integer). */
    public static final String GENERATIONS = "generations";
    /** Memory notes (Integer), on MEMORY_EVICTED. */
    public static final String NOTES = "notes";
    /** Bytes of notes held in memory by all agents (Long), on MEMORY_EVICTED. */
    public static final String RESIDENT = "resident.bytes";
}
