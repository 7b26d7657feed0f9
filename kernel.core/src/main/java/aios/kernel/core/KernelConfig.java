package aios.kernel.core;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The kernel's configuration (PID {@code aios.kernel}): per resource queue, the scheduling policy and its
 * parameters, the workers (count, thread kind, the CPUs they are pinned to) and the capacity. Changes apply while
 * the kernel runs.
 */
@ObjectClassDefinition(id = "aios.kernel", name = "AIOS kernel",
        description = "Scheduling policy, workers and capacity of each resource queue (llm, memory, storage, tool).")
@interface KernelConfig {

    @AttributeDefinition(description = "Policy ordering the LLM queue (an installed policy's name: fifo, …)")
    String llm_policy() default "fifo";

    @AttributeDefinition(description = "Parameters of the LLM queue's policy, key=value each", required = false)
    String[] llm_policy_parameters() default {};

    @AttributeDefinition(description = "Workers of the LLM queue", min = "1", max = "4096")
    int llm_workers() default 2;

    @AttributeDefinition(description = "Thread kind of the LLM queue's workers: virtual or platform",
            options = {@org.osgi.service.metatype.annotations.Option(value = "platform"),
                       @org.osgi.service.metatype.annotations.Option(value = "virtual")})
    String llm_threads() default "platform";

    @AttributeDefinition(description = "CPUs the LLM queue's platform workers are pinned to, as a Linux cpu list"
            + " (0, 0-1, 0,2-3); empty: not pinned. Not with virtual threads", required = false)
    String llm_cpus() default "";

    @AttributeDefinition(description = "Most syscalls that may wait in the LLM queue; past it submit is refused", min = "1")
    int llm_capacity() default 100_000;

    @AttributeDefinition(description = "Refuse at submit a LLM syscall whose deadline cannot be met: its expected"
            + " cost plus that of the waiting syscalls due no later, spread over the workers (as EDF would run them)")
    boolean llm_admission() default false;

    @AttributeDefinition(description = "Policy ordering the memory queue")
    String memory_policy() default "fifo";

    @AttributeDefinition(description = "Parameters of the memory queue's policy, key=value each", required = false)
    String[] memory_policy_parameters() default {};

    @AttributeDefinition(description = "Workers of the memory queue", min = "1", max = "4096")
    int memory_workers() default 2;

    @AttributeDefinition(description = "Thread kind of the memory queue's workers: virtual or platform")
    String memory_threads() default "platform";

    @AttributeDefinition(description = "CPUs the memory queue's platform workers are pinned to, as a Linux cpu list"
            + " (0, 0-1, 0,2-3); empty: not pinned. Not with virtual threads", required = false)
    String memory_cpus() default "";

    @AttributeDefinition(description = "Most syscalls that may wait in the memory queue", min = "1")
    int memory_capacity() default 100_000;

    @AttributeDefinition(description = "Refuse at submit a memory syscall whose deadline cannot be met: its expected"
            + " cost plus that of the waiting syscalls due no later, spread over the workers (as EDF would run them)")
    boolean memory_admission() default false;

    @AttributeDefinition(description = "Policy ordering the storage queue")
    String storage_policy() default "fifo";

    @AttributeDefinition(description = "Parameters of the storage queue's policy, key=value each", required = false)
    String[] storage_policy_parameters() default {};

    @AttributeDefinition(description = "Workers of the storage queue", min = "1", max = "4096")
    int storage_workers() default 2;

    @AttributeDefinition(description = "Thread kind of the storage queue's workers: virtual or platform")
    String storage_threads() default "platform";

    @AttributeDefinition(description = "CPUs the storage queue's platform workers are pinned to, as a Linux cpu list"
            + " (0, 0-1, 0,2-3); empty: not pinned. Not with virtual threads", required = false)
    String storage_cpus() default "";

    @AttributeDefinition(description = "Most syscalls that may wait in the storage queue", min = "1")
    int storage_capacity() default 100_000;

    @AttributeDefinition(description = "Refuse at submit a storage syscall whose deadline cannot be met: its expected"
            + " cost plus that of the waiting syscalls due no later, spread over the workers (as EDF would run them)")
    boolean storage_admission() default false;

    @AttributeDefinition(description = "Policy ordering the tool queue")
    String tool_policy() default "fifo";

    @AttributeDefinition(description = "Parameters of the tool queue's policy, key=value each", required = false)
    String[] tool_policy_parameters() default {};

    @AttributeDefinition(description = "Workers of the tool queue (tools mostly wait on I/O)", min = "1", max = "4096")
    int tool_workers() default 8;

    @AttributeDefinition(description = "Thread kind of the tool queue's workers: virtual or platform")
    String tool_threads() default "virtual";

    @AttributeDefinition(description = "CPUs the tool queue's platform workers are pinned to, as a Linux cpu list"
            + " (0, 0-1, 0,2-3); empty: not pinned. Not with virtual threads", required = false)
    String tool_cpus() default "";

    @AttributeDefinition(description = "Most syscalls that may wait in the tool queue", min = "1")
    int tool_capacity() default 100_000;

    @AttributeDefinition(description = "Refuse at submit a tool syscall whose deadline cannot be met: its expected"
            + " cost plus that of the waiting syscalls due no later, spread over the workers (as EDF would run them)")
    boolean tool_admission() default false;

    @AttributeDefinition(description = "Longest a scheduling policy may take in one call (offer, poll, remove) before"
            + " its queue replaces it by FIFO", min = "1")
    int policy_call_limit_ms() default 20;

    @AttributeDefinition(description = "Finished syscalls whose status the kernel keeps in memory for aios:stat", min = "1000")
    int history_retained() default 100_000;
}
