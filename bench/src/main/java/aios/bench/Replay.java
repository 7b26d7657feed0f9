package aios.bench;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallStatus;
import aios.kernel.api.Timings;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Replays a trace through the kernel in real time: one thread submits each row's syscall at its arrival time,
 * measured from the replay's start, then the replay waits for every result.
 *
 * <p>Each syscall carries the row's priority, its deadline as an instant ({@code start + deadline_ms}) and its
 * service time as the cost hint, which is also how long the model backend holds it. Waiting and turnaround are
 * counted from the row's arrival time in the trace, not from when the syscall reached the kernel, so a late
 * submission counts against the kernel's figures; they are the kernel's own time stamps ({@link Timings}), moved
 * onto the replay's clock. A refused syscall is counted with its reason, a failed one with its error; neither is
 * dropped silently.
 */
final class Replay {

    /** Time between preparing the replay and its first possible arrival. */
    private static final long LEAD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How much longer than its arrivals plus all its service back to back a replay may take before it gives up. */
    private static final Duration GRACE = Duration.ofSeconds(60);

    /**
     * @param schedule each task's waiting and turnaround
     * @param rejected refused syscalls by reason ({@code QUEUE_FULL}, …)
     * @param failed syscalls that ran and failed
     * @param firstFailure the error of the first of them, or {@code null}
     * @param meanLatenessMicros how late after its arrival time a syscall was submitted, on average
     * @param maxLatenessMicros the latest submission
     */
    record Result(Schedule schedule, Map<String, Integer> rejected, int failed, String firstFailure,
                  double meanLatenessMicros, double maxLatenessMicros) {

        int rejectedCount() {
            return rejected.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private Replay() {
    }

    /** The syscall a trace row becomes, for {@code model}, its deadline counted from {@code start}. */
    static LlmQuery query(Trace.Row r, String model, Instant start) {
        Instant deadline = r.hasDeadline() ? start.plus(Duration.ofNanos(r.deadlineMicros() * 1000)) : null;
        Scheduling s = new Scheduling(r.priority(), deadline, Duration.ofNanos(r.serviceMicros() * 1000));
        return new LlmQuery(r.agent(), List.of(Message.user("trace task at " + r.arrivalMicros() + " µs")), List.of(),
                LlmAction.CHAT, new Sampling(1, 0, 1, null), model, s);
    }

    /**
     * Replays the trace against {@code model}, whose backend must be installed; registers the trace's agents
     * for the replay and unregisters them after.
     *
     * @throws IllegalStateException if the syscalls do not all finish in time (those left are cancelled)
     */
    static Result run(Kernel kernel, Trace trace, String model) throws InterruptedException {
        List<Trace.Row> rows = trace.rows();
        int n = rows.size();
        List<String> agents = trace.agents();
        agents.forEach(kernel::register);
        try {
            long now = System.nanoTime();
            long t0 = now + LEAD_NANOS;
            Instant start = Instant.now().plusNanos(LEAD_NANOS);
            LlmQuery[] queries = new LlmQuery[n];
            for (int i = 0; i < n; i++) {
                queries[i] = query(rows.get(i), model, start);
            }
            SyscallHandle[] handles = new SyscallHandle[n];
            long[] submitted = new long[n];
            Map<String, Integer> rejected = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                PreciseSleep.until(t0 + rows.get(i).arrivalMicros() * 1000);
                submitted[i] = System.nanoTime();
                try {
                    handles[i] = kernel.submit(queries[i]);
                } catch (SyscallRejectedException e) {
                    rejected.merge(e.reason().name(), 1, Integer::sum);
                }
            }
            awaitAll(handles, t0 + rows.get(n - 1).arrivalMicros() * 1000 + trace.totalServiceMicros() * 1000
                    + GRACE.toNanos());
            return collect(rows, t0, submitted, handles, rejected);
        } finally {
            agents.forEach(kernel::unregister);
        }
    }

    private static void awaitAll(SyscallHandle[] handles, long deadlineNanos) throws InterruptedException {
        CompletableFuture<?>[] results = Arrays.stream(handles).filter(h -> h != null)
                .map(h -> h.result().toCompletableFuture()).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(results).get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException failedOne) {
            // allOf waits for all; failures are counted one by one
        } catch (TimeoutException e) {
            long left = Arrays.stream(handles).filter(h -> h != null && !h.result().toCompletableFuture().isDone())
                    .peek(h -> h.result().toCompletableFuture().cancel(true)).count();
            throw new IllegalStateException(left + " syscalls had not finished " + GRACE.toSeconds() + " s after the"
                    + " trace should have ended; they were cancelled. Is the LLM queue stalled (aios:queues)?");
        }
    }

    private static Result collect(List<Trace.Row> rows, long t0, long[] submitted, SyscallHandle[] handles,
                                  Map<String, Integer> rejected) {
        int n = rows.size();
        // The kernel's instants, on the replay's clock: the kernel stamps a syscall's arrival just after
        // submit is called, so the smallest (arrival - submit call) is the clocks' offset, to within a
        // microsecond or two.
        long offset = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            if (handles[i] != null) {
                offset = Math.min(offset, epochNanos(handles[i].timings().arrival()) - submitted[i]);
            }
        }
        long[] wait = new long[n];
        long[] turnaround = new long[n];
        int failed = 0;
        String firstFailure = null;
        double latenessSum = 0;
        long latenessMax = 0;
        for (int i = 0; i < n; i++) {
            long arrival = t0 + rows.get(i).arrivalMicros() * 1000;
            long late = submitted[i] - arrival;
            latenessSum += late;
            latenessMax = Math.max(latenessMax, late);
            SyscallHandle h = handles[i];
            wait[i] = Schedule.NOT_RUN;
            turnaround[i] = Schedule.NOT_RUN;
            if (h == null) {
                continue; // rejected, counted already
            }
            if (h.status() != SyscallStatus.COMPLETED) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = failure(h);
                }
                continue;
            }
            Timings t = h.timings();
            wait[i] = epochNanos(t.start()) - offset - arrival;
            turnaround[i] = epochNanos(t.end()) - offset - arrival;
        }
        return new Result(new Schedule(wait, turnaround), rejected, failed, firstFailure, latenessSum / n / 1000,
                latenessMax / 1000.0);
    }

    private static String failure(SyscallHandle h) {
        try {
            h.result().toCompletableFuture().join();
            return "syscall " + h.id() + " ended " + h.status();
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "syscall " + h.id() + " " + h.status() + ": " + cause.getMessage();
        }
    }

    private static long epochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
