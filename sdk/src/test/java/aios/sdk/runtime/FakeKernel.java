package aios.sdk.runtime;

import aios.kernel.api.AgentInfo;
import aios.kernel.api.GenerationCheckpoint;
import aios.kernel.api.Kernel;
import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallInfo;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.Timings;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A kernel for the runtime's tests: LLM syscalls answer at once with their prompt echoed, unless the prompt is
 * {@code hold}, which waits until cancelled. Keeps the registered agents and the cancelled syscall ids.
 */
final class FakeKernel implements Kernel {

    final Set<String> registered = ConcurrentHashMap.newKeySet();
    final List<Long> cancelled = new CopyOnWriteArrayList<>();
    final List<Syscall> submitted = new CopyOnWriteArrayList<>();
    private final Map<Long, CompletableFuture<SyscallResult>> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    @Override
    public AgentInfo register(String name) {
        registered.add(name);
        return new AgentInfo(name, Instant.EPOCH, 0, 0, 0, 0);
    }

    @Override
    public SyscallHandle submit(Syscall call) {
        long id = ids.incrementAndGet();
        submitted.add(call);
        CompletableFuture<SyscallResult> result = new CompletableFuture<>();
        if (call instanceof LlmQuery q && q.messages().get(0).content().equals("hold")) {
            open.put(id, result);
        } else if (call instanceof LlmQuery q) {
            result.complete(new LlmResult("echo: " + q.messages().get(0).content(), List.of(), "stop", 1, 1, "fake"));
        } else {
            result.completeExceptionally(new aios.kernel.api.SyscallException("the fake kernel runs llm syscalls only"));
        }
        return new SyscallHandle() {
            public long id() {
                return id;
            }

            public Syscall syscall() {
                return call;
            }

            public CompletionStage<SyscallResult> result() {
                return result;
            }

            public SyscallStatus status() {
                return result.isDone() ? SyscallStatus.COMPLETED : SyscallStatus.RUNNING;
            }

            public Timings timings() {
                return new Timings(Instant.EPOCH, null, null);
            }
        };
    }

    @Override
    public boolean cancel(long id) {
        CompletableFuture<SyscallResult> f = open.remove(id);
        if (f == null) {
            return false;
        }
        cancelled.add(id);
        f.completeExceptionally(new CancellationException("cancelled"));
        return true;
    }

    /** Syscalls waiting for a cancel. */
    int holding() {
        return open.size();
    }

    @Override
    public boolean unregister(String name) {
        return registered.remove(name);
    }

    @Override
    public List<AgentInfo> agents() {
        return List.of();
    }

    @Override
    public Optional<SyscallInfo> status(long id) {
        return Optional.empty();
    }

    @Override
    public List<GenerationCheckpoint> checkpoint(String agent) {
        return List.of();
    }

    @Override
    public SyscallHandle resume(LlmQuery query, byte[] state) {
        throw new UnsupportedOperationException();
    }

    @Override
    public AutoCloseable followText(long syscallId, java.util.function.Consumer<String> listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public List<QueueInfo> queues() {
        return List.of();
    }

    @Override
    public Map<String, String> policies() {
        return Map.of();
    }

    @Override
    public QueueInfo switchPolicy(Resource resource, String policy, Map<String, String> parameters) {
        throw new UnsupportedOperationException();
    }
}
