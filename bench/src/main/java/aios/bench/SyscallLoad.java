package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.syscall.Syscall;
import aios.kernel.api.syscall.SyscallResult;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;

/**
 * Syscalls sent through the kernel as agents send them, timed from submit to result. A failed syscall stops the
 * load: a benchmark of failures would measure nothing.
 */
final class SyscallLoad {

    /** The {@code i}-th syscall of agent number {@code agent}. */
    @FunctionalInterface
    interface Calls {
        Syscall call(int agent, int i);
    }

    /** Called with each result, from the thread that completed it. */
    @FunctionalInterface
    interface Results {
        void accept(int agent, int i, SyscallResult result);
    }

    /** What a phase did: syscalls completed, in how long, and each one's time from submit to result. */
    record Phase(long count, long nanos, Latencies latencies) {
        double perSecond() {
            return count * 1e9 / nanos;
        }
    }

    private SyscallLoad() {
    }

    /**
     * Every agent keeps up to {@code window} syscalls in flight until it has submitted {@code countOf(agent)}.
     *
     * @throws IllegalStateException naming {@code what} and the first failure, if a syscall failed
     */
    static Phase closedLoop(Kernel kernel, String what, int agents, IntUnaryOperator countOf, int window, Calls calls,
                            Results results) throws InterruptedException {
        long total = 0;
        for (int a = 0; a < agents; a++) {
            total += countOf.applyAsInt(a);
        }
        Latencies latencies = new Latencies((int) total);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(agents);
        long t0 = System.nanoTime();
        for (int a = 0; a < agents; a++) {
            int agent = a;
            int count = countOf.applyAsInt(a);
            Thread.ofVirtual().start(() -> {
                Semaphore inFlight = new Semaphore(window);
                try {
                    for (int i = 0; i < count && failure.get() == null; i++) {
                        inFlight.acquire();
                        int call = i;
                        long s = System.nanoTime();
                        kernel.submit(calls.call(agent, i)).result().whenComplete((r, e) -> {
                            latencies.record(System.nanoTime() - s);
                            if (e == null) {
                                results.accept(agent, call, r);
                                done.incrementAndGet();
                            } else {
                                failure.compareAndSet(null, e);
                            }
                            inFlight.release();
                        });
                    }
                    inFlight.acquire(window);
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, e);
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
        long nanos = System.nanoTime() - t0;
        fail(what, failure.get(), done.get(), total);
        return new Phase(done.get(), nanos, latencies);
    }

    /** The result of the {@code i}-th syscall of a sequence. */
    @FunctionalInterface
    interface Result {
        void accept(int i, SyscallResult result);
    }

    /**
     * One syscall at a time, each submitted when the one before has its result: latency without queueing.
     * {@code results} sees each result after it was timed.
     */
    static Phase oneAtATime(Kernel kernel, String what, int count, IntFunction<Syscall> calls, Result results) {
        Latencies latencies = new Latencies(count);
        long nanos = 0;
        for (int i = 0; i < count; i++) {
            long s = System.nanoTime();
            SyscallResult r = null;
            try {
                r = kernel.submit(calls.apply(i)).result().toCompletableFuture().join();
            } catch (RuntimeException e) {
                fail(what, e, i, count);
            }
            long took = System.nanoTime() - s;
            latencies.record(took);
            nanos += took;
            results.accept(i, r);
        }
        return new Phase(count, nanos, latencies);
    }

    private static void fail(String what, Throwable failure, long done, long total) {
        if (failure == null) {
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        throw new IllegalStateException(what + " failed after " + done + " of " + total + " syscalls: "
                + cause.getMessage(), cause);
    }
}
