package aios.llm.local;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A few daemon threads that help callers run the chunks of a job (the row ranges of a matrix product). The caller
 * works too: it takes chunks until none is left, then waits only for the chunks helpers took, which are running.
 * So a caller never waits for a helper busy elsewhere (it does all the chunks itself then), several callers share
 * the helpers, and nothing can deadlock. Which thread runs a chunk must not change its result: a chunk is whole rows.
 *
 * <p>A helper spins for a moment after its last chunk (the next product of a generation comes within
 * microseconds), then parks, and ends after {@link #KEEP_ALIVE_SECONDS} without work, so a stopped bundle leaves
 * no thread behind for long; the next job starts it again. Thread-safe.
 */
final class RowTeam {

    static final long KEEP_ALIVE_SECONDS = 10;
    private static final long SPIN_NANOS = 20_000;
    private static final long YIELD_NANOS = 200_000;

    /** One per JVM, as many helpers as cores besides the caller's: shared by every model and generation. */
    private static final class Shared {
        static final RowTeam TEAM = new RowTeam(Runtime.getRuntime().availableProcessors() - 1);
    }

    private final Helper[] helpers;
    private final ConcurrentLinkedQueue<Job> open = new ConcurrentLinkedQueue<>();

    /** @param helpers the helper threads (0: every job runs on its caller's thread only) */
    RowTeam(int helpers) {
        this.helpers = new Helper[Math.max(0, helpers)];
    }

    static RowTeam shared() {
        return Shared.TEAM;
    }

    int helpers() {
        return helpers.length;
    }

    /**
     * Runs {@code chunk.accept(c)} for each {@code c} below {@code chunks}, once each, on this thread and helpers,
     * and returns when all have run.
     *
     * @throws RuntimeException or Error the first a chunk threw, after all chunks ran
     */
    void run(int chunks, IntConsumer chunk) {
        if (helpers.length == 0 || chunks < 2) {
            for (int c = 0; c < chunks; c++) {
                chunk.accept(c);
            }
            return;
        }
        Job job = new Job(chunk, chunks);
        open.add(job);
        for (int i = 0; i < helpers.length; i++) {
            wake(i);
        }
        job.work();
        open.remove(job);
        for (int spins = 0; job.done.get() < chunks; spins++) { // the remaining chunks are running on helpers
            if (spins < 1_000) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // a helper was descheduled mid-chunk: let it run
            }
        }
        Throwable failure = job.failure.get();
        if (failure instanceof RuntimeException e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        } else if (failure != null) {
            throw new IllegalStateException("a chunk failed", failure);
        }
    }

    /** Unparks helper {@code i}, or starts it when it has ended (or never started). */
    private void wake(int i) {
        Helper h = helpers[i];
        if (h == null || h.ended) {
            synchronized (helpers) {
                h = helpers[i];
                if (h == null || h.ended) {
                    h = new Helper(i);
                    helpers[i] = h;
                    h.thread.start();
                    return;
                }
            }
        }
        if (h.parked) {
            LockSupport.unpark(h.thread);
        }
    }

    private static final class Job {
        final IntConsumer chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(IntConsumer chunk, int chunks) {
            this.chunk = chunk;
            this.chunks = chunks;
        }

        /** Runs chunks until none is left to take. */
        void work() {
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                try {
                    chunk.accept(c);
                } catch (Throwable e) { // handed to the caller, who rethrows it
                    failure.compareAndSet(null, e);
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final class Helper implements Runnable {
        final Thread thread;
        volatile boolean parked;
        volatile boolean ended;

        Helper(int index) {
            thread = new Thread(this, "aios-llm-rows-" + index);
            thread.setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Job job = open.peek();
                if (job != null) {
                    job.work();
                    if (job.next.get() >= job.chunks) {
                        open.remove(job); // its caller removes it too; nothing is left to take
                    }
                    idleSince = System.nanoTime();
                    continue;
                }
                long idle = System.nanoTime() - idleSince;
                if (idle < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else if (idle < YIELD_NANOS) {
                    Thread.yield(); // let a generation's own thread have this core
                } else if (idle < TimeUnit.SECONDS.toNanos(KEEP_ALIVE_SECONDS)) {
                    parked = true;
                    if (open.isEmpty()) { // a caller adds its job before it looks at parked
                        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
                    }
                    parked = false;
                } else {
                    synchronized (helpers) {
                        if (open.isEmpty()) {
                            ended = true;
                            return;
                        }
                    }
                }
            }
        }
    }
}
