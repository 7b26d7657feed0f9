package aios.kernel.core;

import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** A model backend whose calls wait for a permit, so tests decide when each one finishes; records the order. */
final class GatedBackend implements LlmBackend {
    final Semaphore permits = new Semaphore(0);
    final Semaphore entered = new Semaphore(0);
    final List<String> order = new CopyOnWriteArrayList<>();

    @Override
    public List<String> models() {
        return List.of("gated");
    }

    @Override
    public LlmResult complete(LlmQuery query) throws InterruptedException {
        String prompt = query.messages().get(0).content();
        entered.release();
        permits.acquire();
        order.add(prompt);
        return new LlmResult(prompt, List.of(), "stop", 1, 1, "gated");
    }

    void awaitEntered(int n) throws InterruptedException {
        if (!entered.tryAcquire(n, 10, TimeUnit.SECONDS)) {
            throw new AssertionError("the backend was not called " + n + " time(s) within 10 s");
        }
    }
}
