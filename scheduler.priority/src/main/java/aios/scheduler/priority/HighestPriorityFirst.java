package aios.scheduler.priority;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Runs the most urgent task first: the highest {@link Task#priority()}, raised by aging so that no task starves.
 *
 * <p>A task's effective priority is {@code priority + aging.rate × seconds waited}. At any instant {@code now} that
 * is {@code (priority − rate × arrival) + rate × now}; the second term is the same for every task, so ordering by
 * the fixed key {@code priority − rate × arrival} (largest first) is exact and needs no re-sorting as time passes.
 * Equal keys run in arrival order.
 *
 * <p>Parameter {@value #AGING_RATE}: priority points gained per second of waiting, a number ≥ 0 (default
 * {@value #DEFAULT_AGING_RATE}; 0 gives strict priority, where a steady stream of urgent tasks can starve the rest).
 */
@Component(scope = ServiceScope.PROTOTYPE, property = {
        SchedulingPolicy.NAME + "=priority",
        SchedulingPolicy.DESCRIPTION + "=highest priority first, aged by waiting time so nothing starves"})
public final class HighestPriorityFirst implements SchedulingPolicy {

    /** Priority points a task gains per second of waiting. */
    public static final String AGING_RATE = "aging.rate";
    public static final double DEFAULT_AGING_RATE = 1.0;

    private record Entry(double key, Task task) {
    }

    private static final Comparator<Entry> MOST_URGENT_FIRST = (a, b) -> a.key != b.key
            ? Double.compare(b.key, a.key)
            : Long.compare(a.task.id(), b.task.id());

    private final TreeSet<Entry> waiting = new TreeSet<>(MOST_URGENT_FIRST);
    /** Arrival times are taken relative to this, so that keys stay small whatever origin nanoTime has. */
    private final long origin = System.nanoTime();
    /** The rate the keys in {@link #waiting} were computed with. */
    private double rate = DEFAULT_AGING_RATE;
    /**
     * The rate last configured. Kept apart from {@link #rate} and applied by the next queue call, so that a
     * configuration change arriving on another thread never re-sorts the set under a running poll.
     */
    private volatile double configuredRate = DEFAULT_AGING_RATE;

    @Override
    public void configure(Map<String, String> parameters) {
        double next = DEFAULT_AGING_RATE;
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            if (!AGING_RATE.equals(p.getKey())) {
                throw new IllegalArgumentException("policy priority has no parameter '" + p.getKey() + "' (value '"
                        + p.getValue() + "'): its only parameter is " + AGING_RATE
                        + ", priority points per second of waiting, a number >= 0");
            }
            next = parseRate(p.getValue());
        }
        configuredRate = next;
    }

    private static double parseRate(String value) {
        double r;
        try {
            r = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            r = Double.NaN;
        }
        if (!(r >= 0) || Double.isInfinite(r)) {
            throw new IllegalArgumentException(AGING_RATE + "='" + value + "' is not accepted: use a finite number"
                    + " >= 0 (priority points per second of waiting; 0 turns aging off; default "
                    + DEFAULT_AGING_RATE + ")");
        }
        return r;
    }

    @Override
    public void offer(Task task) {
        applyRate();
        waiting.add(new Entry(key(task), task));
    }

    @Override
    public Task poll() {
        applyRate();
        Entry first = waiting.pollFirst();
        return first == null ? null : first.task;
    }

    @Override
    public boolean remove(Task task) {
        applyRate();
        return waiting.remove(new Entry(key(task), task));
    }

    @Override
    public List<Task> drain() {
        List<Task> all = new ArrayList<>(waiting.size());
        for (Entry e : waiting) {
            all.add(e.task);
        }
        waiting.clear();
        return all;
    }

    @Override
    public int size() {
        return waiting.size();
    }

    private double key(Task task) {
        return task.priority() - rate * ((task.arrivalNanos() - origin) / 1e9);
    }

    /** Re-keys every waiting task when the rate has changed since they were keyed. */
    private void applyRate() {
        double wanted = configuredRate;
        if (wanted == rate) {
            return;
        }
        List<Task> all = drain();
        rate = wanted;
        for (Task t : all) {
            waiting.add(new Entry(key(t), t));
        }
    }
}
