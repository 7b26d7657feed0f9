package aios.bench;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The machine's limit for what the kernel does per syscall: a plain {@link BlockingQueue} handing work to the same
 * number of platform worker threads, each completing a future — no routing, no policy, no events.
 */
final class BareHandOff implements AutoCloseable {
    private record Job(CompletableFuture<Object> done) {
    }

    private static final Object RESULT = new Object();
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread[] workers;

    BareHandOff(int workerCount) {
        workers = new Thread[workerCount];
        for (int i = 0; i < workerCount; i++) {
            workers[i] = Thread.ofPlatform().daemon(true).name("bare-worker-" + i).start(this::work);
        }
    }

    CompletableFuture<Object> submit() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        queue.add(new Job(f));
        return f;
    }

    private void work() {
        try {
            for (;;) {
                queue.take().done().complete(RESULT);
            }
        } catch (InterruptedException stop) {
            // closed
        }
    }

    @Override
    public void close() {
        for (Thread t : workers) {
            t.interrupt();
        }
    }
}
