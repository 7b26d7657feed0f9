package aios.scheduler.rr;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Takes turns between agents: one task per agent per turn, agents in the order they became active, each agent's
 * tasks in arrival order. An agent whose last waiting task is taken (or cancelled) leaves the rotation and joins
 * at the end when it has a task again. Unlike {@code fair}, a turn is one task whatever it costs.
 *
 * <p>Parameters {@value #SLICE_TOKENS} (default {@value #DEFAULT_SLICE_TOKENS}) and {@value #SLICE_MS} (default
 * {@value #DEFAULT_SLICE_MS}), integers ≥ 1: the time slice. A running LLM generation whose backend generates in
 * steps is preempted after that many tokens or milliseconds, whichever comes first, its state kept, and offered
 * again — so it takes its next turn behind the other agents. Syscalls that cannot be preempted run to their end;
 * for them the rotation is what this policy changes.
 */
@Component(scope = ServiceScope.PROTOTYPE, property = {
        SchedulingPolicy.NAME + "=rr",
        SchedulingPolicy.DESCRIPTION + "=round robin: one task per agent per turn, agents in order of arrival"})
public final class RoundRobin implements SchedulingPolicy {

    /** Tokens an LLM generation may produce before it is preempted. */
    public static final String SLICE_TOKENS = "slice.tokens";
    /** Milliseconds a task may run before it is preempted. */
    public static final String SLICE_MS = "slice.ms";
    public static final int DEFAULT_SLICE_TOKENS = 16;
    public static final int DEFAULT_SLICE_MS = 50;

    private static final Comparator<Task> OLDEST_FIRST = Comparator.comparingLong(Task::id);

    private record Slice(int tokens, int millis) {
    }

    /** Agents with waiting tasks, in turn order: the first is next. */
    private final LinkedHashMap<String, TreeSet<Task>> rotation = new LinkedHashMap<>();
    private int size;
    /** Written by {@link #configure}, read by the kernel's workers: one immutable value, so both change together. */
    private volatile Slice slice = new Slice(DEFAULT_SLICE_TOKENS, DEFAULT_SLICE_MS);

    @Override
    public void configure(Map<String, String> parameters) {
        int tokens = DEFAULT_SLICE_TOKENS;
        int millis = DEFAULT_SLICE_MS;
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            switch (p.getKey()) {
                case SLICE_TOKENS -> tokens = positive(SLICE_TOKENS, p.getValue(), "tokens per slice");
                case SLICE_MS -> millis = positive(SLICE_MS, p.getValue(), "milliseconds per slice");
                default -> throw new IllegalArgumentException("policy rr has no parameter '" + p.getKey()
                        + "' (value '" + p.getValue() + "'): its parameters are " + SLICE_TOKENS + " and " + SLICE_MS
                        + ", integers >= 1");
            }
        }
        slice = new Slice(tokens, millis);
    }

    private static int positive(String key, String value, String meaning) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + "='" + value + "' is not accepted: use an integer >= 1 (" + meaning
                + ")");
    }

    /** The configured {@value #SLICE_TOKENS}: tokens a generation may produce before the kernel preempts it. */
    public int sliceTokens() {
        return slice.tokens();
    }

    /** The configured {@value #SLICE_MS}: milliseconds a task may run before the kernel preempts it. */
    public int sliceMillis() {
        return slice.millis();
    }

    @Override
    public int timeSliceTokens() {
        return slice.tokens();
    }

    @Override
    public long timeSliceNanos() {
        return slice.millis() * 1_000_000L;
    }

    @Override
    public void offer(Task task) {
        rotation.computeIfAbsent(task.agent(), a -> new TreeSet<>(OLDEST_FIRST)).add(task);
        size++;
    }

    @Override
    public Task poll() {
        Map.Entry<String, TreeSet<Task>> turn = rotation.pollFirstEntry();
        if (turn == null) {
            return null;
        }
        Task task = turn.getValue().pollFirst();
        if (!turn.getValue().isEmpty()) {
            rotation.putLast(turn.getKey(), turn.getValue());
        }
        size--;
        return task;
    }

    @Override
    public boolean remove(Task task) {
        TreeSet<Task> waiting = rotation.get(task.agent());
        if (waiting == null || !waiting.remove(task)) {
            return false;
        }
        if (waiting.isEmpty()) {
            rotation.remove(task.agent());
        }
        size--;
        return true;
    }

    @Override
    public List<Task> drain() {
        List<Task> all = new ArrayList<>(size);
        for (TreeSet<Task> waiting : rotation.values()) {
            all.addAll(waiting);
        }
        rotation.clear();
        size = 0;
        all.sort(OLDEST_FIRST);
        return all;
    }

    @Override
    public int size() {
        return size;
    }
}
