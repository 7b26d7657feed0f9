package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends syscalls that take no time through the LLM queue's current policy and the replay's backend, so that
 * the code a replay runs is compiled before it is measured. Its agent is registered only meanwhile.
 */
final class WarmUp {

    static final String AGENT = "bench-warmup";

    private WarmUp() {
    }

    /** @throws IllegalStateException if a warm-up syscall fails or they take over 60 s */
    static void run(Kernel kernel, String model, int syscalls) throws InterruptedException {
        if (syscalls == 0) {
            return;
        }
        LlmQuery query = new LlmQuery(AGENT, List.of(Message.user("warm-up")), List.of(), LlmAction.CHAT,
                new Sampling(1, 0, 1, null), model, Scheduling.DEFAULT.withCostHint(Duration.ZERO));
        kernel.register(AGENT);
        try {
            List<CompletableFuture<?>> results = new ArrayList<>(syscalls);
            for (int i = 0; i < syscalls; i++) {
                results.add(kernel.submit(query).result().toCompletableFuture());
            }
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the warm-up before the replay failed: " + e.getMessage(), e);
        } finally {
            kernel.unregister(AGENT);
        }
    }
}
