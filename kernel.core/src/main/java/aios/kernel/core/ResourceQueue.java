package aios.kernel.core;

import aios.kernel.api.QueueInfo;
import aios.kernel.api.SyscallRejectedException;
import aios.kernel.api.SyscallRejectedException.Reason;
import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import aios.kernel.api.syscall.Resource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The waiting tasks of one resource, ordered by a {@link SchedulingPolicy}, and the workers that run them.
 *
 * <p>Every call into the policy happens under this queue's lock, so policies need no locking of their own.
 * Workers block on a condition until there is work: no polling, no sleeping. Besides the policy, the queue
 * keeps its own arrival-ordered list of the waiting tasks, so that a policy that throws, loses or repeats a
 * task is replaced by {@link BuiltinFifo} with every waiting task exactly once.
 */
final class ResourceQueue {

    /** What happened when a policy was replaced. */
    record Swap(String previous, String next, int moved, long pauseNanos, String fault) {
    }

    /** Hears of a policy that failed; {@code failedOwner} is what {@link #swap} installed it with. */
    interface FaultListener {
        void onFault(Swap swap, Object failedOwner);
    }

    /** Runs one task on the calling worker thread. */
    interface Runner {
        void run(KernelTask task);
    }

    final Resource resource;
    private final Runner runner;
    private final FaultListener onFault;
    private final java.util.function.BiConsumer<KernelTask, String> onAccepted;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();

    // written under lock; the volatile ones are read without it
    private SchedulingPolicy policy = new BuiltinFifo();
    private volatile String policyName = BuiltinFifo.NAME;
    private volatile Object policyOwner;
    private int capacity;
    private volatile int waitingCount;
    private KernelTask head;
    private KernelTask tail;
    private volatile boolean closed;
    private int generation;
    private int workers;
    private boolean virtualThreads;
    private CpuSet cpus = CpuSet.NONE;
    /** Why the workers run unpinned although {@link #cpus} names CPUs; {@code null} when they are pinned. */
    private String cpuBindingFailure;
    private volatile String configuredPolicy;
    private java.util.Map<String, String> parameters;
    /** Policy calls taking longer than this, several in a row, get the policy replaced, like one that throws. */
    private volatile long callLimitNanos;
    private static final int OVERRUNS_TOLERATED = 3;
    private volatile boolean admission;
    /** Consecutive policy calls over the limit; guarded by lock. */
    private int overruns;

    private final AtomicInteger running = new AtomicInteger();
    final LongAdder completed = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder deadlineMisses = new LongAdder();
    private final LongAdder started = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();

    /**
     * @param onAccepted told of every accepted task, with the policy's name, under the queue's lock and before any
     *     worker can see the task: so the SUBMITTED event comes before STARTED
     */
    ResourceQueue(Resource resource, QueueSettings settings, Runner runner, FaultListener onFault,
                  java.util.function.BiConsumer<KernelTask, String> onAccepted) {
        this.resource = resource;
        this.runner = runner;
        this.onFault = onFault;
        this.onAccepted = onAccepted;
        this.capacity = settings.capacity();
        this.configuredPolicy = settings.policy();
        this.parameters = settings.parameters();
        this.callLimitNanos = settings.callLimitNanos();
        this.admission = settings.admission();
        resize(settings.workers(), settings.virtualThreads(), settings.cpus());
    }

    /** Queues a task, or refuses it at once when the queue is full or closed. */
    void offer(KernelTask task) {
        lock.lock();
        try {
            if (closed) {
                throw new SyscallRejectedException(Reason.SHUTTING_DOWN, "the kernel is stopping: " + resource.id()
                        + " syscalls are not accepted now; submit again when it has restarted");
            }
            if (waitingCount >= capacity) {
                throw new SyscallRejectedException(Reason.QUEUE_FULL, "the " + resource.id() + " queue is full ("
                        + waitingCount + " syscalls waiting): retry later, or raise " + resource.id()
                        + ".capacity in the aios.kernel configuration");
            }
            if (admission && task.deadlineNanos != Long.MAX_VALUE) {
                admit(task);
            }
            link(task);
            onAccepted.accept(task, policyName);
            offerToPolicy(task);
        } finally {
            lock.unlock();
        }
    }

    /** Hands a task already in the queue's own list to the policy and wakes a worker; under the lock. */
    private void offerToPolicy(KernelTask task) {
        try {
            long t0 = System.nanoTime();
            policy.offer(task);
            checkDuration("offer", t0);
        } catch (RuntimeException e) {
            fault("offer", e);
        }
        notEmpty.signal();
    }

    /**
     * Refuses a task whose deadline cannot be met if the queue ran earliest deadline first: its own expected cost
     * plus that of every waiting task due no later, spread over the workers, must fit before its deadline. (The
     * time left of the running tasks is not known and not counted: the check is lenient, never too strict.)
     */
    private void admit(KernelTask task) {
        long ahead = 0;
        for (KernelTask w = head; w != null; w = w.nextWaiting) {
            if (w.deadlineNanos <= task.deadlineNanos) {
                ahead += w.costEstimateNanos;
            }
        }
        long now = System.nanoTime();
        long finish = now + ahead / Math.max(1, workers) + task.costEstimateNanos;
        if (finish > task.deadlineNanos) {
            throw new SyscallRejectedException(Reason.DEADLINE_UNREACHABLE, "the deadline of this " + task.kind
                    + " syscall of agent '" + task.agent() + "' cannot be met: it is " + (task.deadlineNanos - now) / 1_000_000
                    + " ms away, but the syscall is expected to take " + task.costEstimateNanos / 1_000_000
                    + " ms after " + ahead / Math.max(1, workers) / 1_000_000 + " ms of work due before it; give a later"
                    + " deadline, a smaller cost hint, or turn " + resource.id() + ".admission off");
        }
    }

    /**
     * Puts a preempted task back: it was accepted before, so the capacity does not apply and no SUBMITTED event
     * is due.
     *
     * @return false if the queue is closed (the kernel is stopping) and the task was not taken back
     */
    boolean requeue(KernelTask task) {
        lock.lock();
        try {
            if (closed) {
                return false; // the kernel is stopping: the caller ends the task
            }
            link(task);
            offerToPolicy(task);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The current policy's time slice; {@code tokens == 0 && nanos == 0} means tasks run to their end. */
    record Slice(int tokens, long nanos) {
        boolean unlimited() {
            return tokens <= 0 && nanos <= 0;
        }
    }

    Slice slice() {
        lock.lock();
        try {
            return new Slice(policy.timeSliceTokens(), policy.timeSliceNanos());
        } catch (RuntimeException e) {
            fault("timeSlice", e);
            return new Slice(0, 0);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the queue was closed (the kernel is stopping). */
    boolean isClosed() {
        return closed;
    }

    /** Whether any task waits (so preempting the running one gives someone else a turn). */
    boolean hasWaiting() {
        return waitingCount > 0;
    }

    /**
     * Blocks until a task is ready for a worker of the given generation; returns {@code null} when the worker
     * should stop (queue closed, or the worker pool was resized).
     */
    KernelTask take(int workerGeneration) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            for (;;) {
                if (closed || workerGeneration != generation) {
                    return null;
                }
                if (waitingCount > 0) {
                    KernelTask t = pollPolicy();
                    if (t != null) {
                        unlink(t);
                        t.policy = policyName;
                        return t;
                    }
                    continue; // the policy failed and was replaced: ask the replacement
                }
                notEmpty.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private KernelTask pollPolicy() {
        Task next;
        try {
            long t0 = System.nanoTime();
            next = policy.poll();
            if (checkDuration("poll", t0)) {
                return null; // the task it chose is still in the queue's list, so in the replacement
            }
        } catch (RuntimeException e) {
            fault("poll", e);
            return null;
        }
        if (next instanceof KernelTask t && t.waiting && t.resource == resource) {
            return t;
        }
        fault("poll", new IllegalStateException(next == null
                ? "it returned no task while " + waitingCount + " were waiting"
                : "it returned " + next + ", which is not waiting in this queue"));
        return null;
    }

    /** Removes a waiting task (cancelled). @return whether it was waiting here */
    boolean remove(KernelTask task) {
        lock.lock();
        try {
            if (!task.waiting) {
                return false;
            }
            unlink(task);
            try {
                long t0 = System.nanoTime();
                policy.remove(task);
                checkDuration("remove", t0);
            } catch (RuntimeException e) {
                fault("remove", e);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the policy: dispatch pauses (the lock is held), every waiting task moves to {@code next} in
     * arrival order, dispatch resumes.
     */
    Swap swap(SchedulingPolicy next, String name, Object owner) {
        SchedulingPolicy old;
        Swap result;
        lock.lock();
        try {
            long t0 = System.nanoTime();
            old = policy;
            String previous = policyName;
            int moved = waitingCount;
            String fault = null;
            try {
                // straight from the queue's own arrival-ordered list: nothing to copy while dispatch waits
                for (KernelTask t = head; t != null; t = t.nextWaiting) {
                    next.offer(t);
                }
                policy = next;
                policyName = name;
                policyOwner = owner;
                overruns = 0;
            } catch (RuntimeException e) {
                fault = "policy " + name + " failed in offer while taking over: " + describe(e);
                installFallback();
            }
            notEmpty.signalAll();
            result = new Swap(previous, policyName, moved, System.nanoTime() - t0, fault);
        } finally {
            lock.unlock();
        }
        // The old instance is no longer the queue's: it is emptied after dispatch has resumed, and what it
        // answers is not needed (the queue's own list was complete), so a broken drain cannot lose a task.
        try {
            old.drain();
        } catch (RuntimeException e) {
            // discarded anyway
        }
        return result;
    }

    private List<KernelTask> arrivalOrder() {
        List<KernelTask> all = new ArrayList<>(waitingCount);
        for (KernelTask t = head; t != null; t = t.nextWaiting) {
            all.add(t);
        }
        return all;
    }

    private void installFallback() {
        overruns = 0;
        BuiltinFifo fifo = new BuiltinFifo();
        for (KernelTask t : arrivalOrder()) {
            fifo.offer(t);
        }
        policy = fifo;
        policyName = BuiltinFifo.NAME;
        policyOwner = null;
    }

    /**
     * A policy call over the limit counts as a fault only the third time in a row: one slow call may be a garbage
     * collection or the operating system pausing the thread, a policy that is really slow is slow every time.
     *
     * @return whether the policy was replaced
     */
    private boolean checkDuration(String call, long startNanos) {
        long took = System.nanoTime() - startNanos;
        if (took <= callLimitNanos) {
            overruns = 0;
            return false;
        }
        if (++overruns < OVERRUNS_TOLERATED) {
            return false;
        }
        fault(call, new IllegalStateException("it took " + took / 1_000_000 + " ms, the " + OVERRUNS_TOLERATED
                + "rd call in a row over the limit of " + callLimitNanos / 1_000_000 + " ms (policy.call.limit.ms)"));
        return true;
    }

    /** The policy threw or broke its contract: replace it by FIFO over every waiting task; report it. */
    private void fault(String call, RuntimeException e) {
        String failed = policyName;
        Object failedOwner = policyOwner;
        long t0 = System.nanoTime();
        installFallback();
        notEmpty.signalAll();
        onFault.onFault(new Swap(failed, BuiltinFifo.NAME, waitingCount, System.nanoTime() - t0,
                "policy " + failed + " failed in " + call + ": " + describe(e) + "; the " + resource.id()
                        + " queue runs FIFO now"), failedOwner);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private void link(KernelTask t) {
        t.waiting = true;
        t.prevWaiting = tail;
        t.nextWaiting = null;
        if (tail == null) {
            head = t;
        } else {
            tail.nextWaiting = t;
        }
        tail = t;
        waitingCount++;
    }

    private void unlink(KernelTask t) {
        KernelTask p = t.prevWaiting;
        KernelTask n = t.nextWaiting;
        if (p == null) {
            head = n;
        } else {
            p.nextWaiting = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prevWaiting = p;
        }
        t.prevWaiting = null;
        t.nextWaiting = null;
        t.waiting = false;
        waitingCount--;
    }

    /**
     * Gives the running policy new parameters, under the queue's lock as the SPI promises.
     *
     * @return {@code null} when applied, otherwise why the policy refused them (it keeps its old ones)
     */
    String reconfigure(SchedulingPolicy instance, java.util.Map<String, String> parameters) {
        lock.lock();
        try {
            if (policy != instance) {
                return null; // replaced meanwhile; the new instance was configured when it was installed
            }
            instance.configure(parameters);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } finally {
            lock.unlock();
        }
    }

    /** The owner (provider) of the policy in use, {@code null} for the built-in FIFO. */
    Object policyOwner() {
        return policyOwner;
    }

    String policyName() {
        return policyName;
    }

    /**
     * Applies new settings other than the policy itself (which the kernel reconciles).
     *
     * @return whether the workers were replaced (their count, kind or CPUs changed)
     */
    boolean configure(QueueSettings s) {
        boolean restart;
        lock.lock();
        try {
            capacity = s.capacity();
            configuredPolicy = s.policy();
            parameters = s.parameters();
            callLimitNanos = s.callLimitNanos();
            admission = s.admission();
            restart = s.workers() != workers || s.virtualThreads() != virtualThreads || !s.cpus().equals(cpus);
        } finally {
            lock.unlock();
        }
        if (restart) {
            resize(s.workers(), s.virtualThreads(), s.cpus());
        }
        return restart;
    }

    void setConfiguredPolicy(String name, java.util.Map<String, String> params) {
        lock.lock();
        try {
            configuredPolicy = name;
            parameters = java.util.Map.copyOf(params);
        } finally {
            lock.unlock();
        }
    }

    String configuredPolicy() {
        return configuredPolicy;
    }

    /**
     * Replaces the worker pool: the old workers stop after their current task, new ones start. With CPUs given, each
     * new worker pins itself to them before it takes a task, and this returns when all have tried (a worker that
     * cannot be pinned runs unpinned; {@link #cpuBindingFailure} says why).
     */
    private void resize(int count, boolean virtual, CpuSet cpuSet) {
        int gen;
        lock.lock();
        try {
            gen = ++generation;
            workers = count;
            virtualThreads = virtual;
            cpus = cpuSet;
            cpuBindingFailure = null;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        Thread.Builder builder = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
        builder.name("aios-" + resource.id() + "-worker-g" + gen + "-", 0);
        CountDownLatch tried = new CountDownLatch(cpuSet.isEmpty() ? 0 : count);
        for (int i = 0; i < count; i++) {
            builder.start(() -> {
                if (!cpuSet.isEmpty()) {
                    pin(cpuSet, gen, tried);
                }
                work(gen);
            });
        }
        try {
            if (!tried.await(10, TimeUnit.SECONDS)) {
                recordBindingFailure(gen, "the workers did not report within 10 s whether they are pinned");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the workers pin themselves all the same
        }
    }

    private void pin(CpuSet cpuSet, int gen, CountDownLatch tried) {
        try {
            String failure = CpuBinding.pinCurrentThread(cpuSet);
            if (failure != null) {
                recordBindingFailure(gen, failure);
            }
        } finally {
            tried.countDown();
        }
    }

    private void recordBindingFailure(int gen, String failure) {
        lock.lock();
        try {
            if (gen == generation && cpuBindingFailure == null) {
                cpuBindingFailure = failure;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Why the workers are not pinned to the configured CPUs, or {@code null} (pinned, or no CPUs configured). */
    String cpuBindingFailure() {
        lock.lock();
        try {
            return cpuBindingFailure;
        } finally {
            lock.unlock();
        }
    }

    private void work(int gen) {
        try {
            for (;;) {
                KernelTask t = take(gen);
                if (t == null) {
                    return;
                }
                running.incrementAndGet();
                try {
                    runner.run(t);
                } finally {
                    running.decrementAndGet();
                    Thread.interrupted(); // a late cancel must not hit the next task
                }
            }
        } catch (InterruptedException stop) {
            // the kernel is stopping
        }
    }

    void recordStart(long waitedNanos) {
        started.increment();
        waitNanos.add(waitedNanos);
    }

    /** Refuses new tasks, stops the workers, and returns the tasks that were waiting (in arrival order). */
    List<KernelTask> close() {
        lock.lock();
        try {
            closed = true;
            List<KernelTask> left = arrivalOrder();
            for (KernelTask t : left) {
                unlink(t);
            }
            policy = new BuiltinFifo();
            notEmpty.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    QueueInfo info() {
        lock.lock();
        try {
            long n = started.sum();
            Duration meanWait = n == 0 ? Duration.ZERO : Duration.ofNanos(waitNanos.sum() / n);
            return new QueueInfo(resource, policyName, configuredPolicy, parameters, waitingCount, running.get(),
                    completed.sum(), failed.sum(), meanWait, workers, virtualThreads ? "virtual" : "platform",
                    cpus.toString(), cpuBindingFailure, capacity, deadlineMisses.sum());
        } finally {
            lock.unlock();
        }
    }
}
