package aios.bench;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Syscall;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The schedule a trace would get with no overhead at all: a discrete-event simulation of {@code slots} servers
 * fed from one queue that a {@link SchedulingPolicy} orders, each task holding a server for exactly its service
 * time. Drive it with an instance of the same policy the kernel runs, and the ordering is the same code.
 *
 * <p>At each instant, first the tasks that end then free their servers, then the tasks that arrive then are
 * offered to the policy (in trace order), then free servers take tasks from the policy until either runs out.
 * Simulated time is given to the policy as nanoTime-like values: {@code origin} plus nanoseconds from the trace's
 * start (a policy that keys on arrival relative to when it was created, like {@code priority}, sees the same
 * differences as in the kernel).
 */
final class IdealSimulation {

    private IdealSimulation() {
    }

    /**
     * A task as the simulation gives it to the policy: the facts of its trace row, with the cost hint (and so the
     * estimate) equal to its service time, as the replay passes it to the kernel.
     */
    record SimTask(long id, String agent, Syscall syscall, int priority, long arrivalNanos, long deadlineNanos,
                   long costHintNanos) implements Task {

        @Override
        public Resource resource() {
            return syscall.resource();
        }

        @Override
        public long costEstimateNanos() {
            return costHintNanos;
        }
    }

    private record Running(long endNanos, int task) {
    }

    /**
     * Runs the trace.
     *
     * @param policy a fresh, configured instance; it is left empty
     * @throws IllegalStateException if the policy loses or invents a task
     */
    static Schedule run(Trace trace, int slots, SchedulingPolicy policy) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots " + slots + " must be ≥ 1");
        }
        List<Trace.Row> rows = trace.rows();
        int n = rows.size();
        long origin = System.nanoTime();
        SimTask[] tasks = new SimTask[n];
        for (int i = 0; i < n; i++) {
            tasks[i] = task(i, rows.get(i), origin);
        }
        long[] wait = new long[n];
        long[] turnaround = new long[n];
        Arrays.fill(wait, Schedule.NOT_RUN);
        Arrays.fill(turnaround, Schedule.NOT_RUN);

        PriorityQueue<Running> running = new PriorityQueue<>((a, b) -> Long.compare(a.endNanos, b.endNanos));
        int next = 0;
        int done = 0;
        while (done < n) {
            long now = Long.MAX_VALUE;
            if (next < n) {
                now = tasks[next].arrivalNanos;
            }
            if (!running.isEmpty()) {
                now = Math.min(now, running.peek().endNanos);
            }
            if (now == Long.MAX_VALUE) {
                throw new IllegalStateException("the policy lost " + (n - done) + " tasks: it reports none"
                        + " waiting, yet they never ran");
            }
            while (!running.isEmpty() && running.peek().endNanos == now) {
                Running r = running.poll();
                turnaround[r.task] = now - tasks[r.task].arrivalNanos;
                done++;
            }
            while (next < n && tasks[next].arrivalNanos == now) {
                policy.offer(tasks[next++]);
            }
            while (running.size() < slots && policy.size() > 0) {
                Task t = policy.poll();
                if (!(t instanceof SimTask s) || tasks[(int) s.id] != s || wait[(int) s.id] != Schedule.NOT_RUN) {
                    throw new IllegalStateException("policy returned " + t + ", which is not waiting");
                }
                int i = (int) s.id;
                wait[i] = now - s.arrivalNanos;
                running.add(new Running(now + s.costHintNanos, i));
            }
        }
        return new Schedule(wait, turnaround);
    }

    private static SimTask task(int id, Trace.Row r, long origin) {
        long arrival = origin + r.arrivalMicros() * 1000;
        long deadline = r.hasDeadline() ? origin + r.deadlineMicros() * 1000 : Long.MAX_VALUE;
        // the query the replay would submit, its instants counted from the epoch as the simulation's time zero
        LlmQuery query = Replay.query(r, "ideal", Instant.EPOCH);
        return new SimTask(id, r.agent(), query, r.priority(), arrival, deadline, r.serviceMicros() * 1000);
    }
}
