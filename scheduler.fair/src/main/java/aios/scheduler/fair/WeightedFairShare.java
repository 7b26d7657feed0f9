package aios.scheduler.fair;

import aios.kernel.api.scheduling.SchedulingPolicy;
import aios.kernel.api.scheduling.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * Shares the resource between agents in proportion to their weights, however many tasks each one queues
 * (start-time fair queuing with agents as flows).
 *
 * <p>Every agent has a virtual time: the service it has received divided by its weight, where a task is charged
 * its {@link Task#costEstimateNanos()} (at least 1 ns) when it is polled. {@link #poll()} takes the agent with the
 * least virtual time, ties going to the agent whose oldest task arrived first, and runs that agent's oldest task.
 * An agent that becomes active starts no lower than the least virtual time among the active agents, so idle time
 * earns no credit, while service it received beyond that still counts: an agent that sends one syscall at a time
 * is charged for each just like one that queues many. When no task waits, every virtual time is forgotten: a debt
 * lasts only as long as there is competition.
 *
 * <p>Parameter {@value #WEIGHTS}: a comma list of {@code agent:weight} with weights &gt; 0, such as
 * {@code alice:2,bob:1}; agents not listed weigh 1. A new weight applies to service charged from then on.
 */
@Component(scope = ServiceScope.PROTOTYPE, property = {
        SchedulingPolicy.NAME + "=fair",
        SchedulingPolicy.DESCRIPTION + "=weighted fair share: agents get service in proportion to their weights"})
public final class WeightedFairShare implements SchedulingPolicy {

    /** Comma list of {@code agent:weight}. */
    public static final String WEIGHTS = "weights";

    private static final Comparator<Task> OLDEST_FIRST = Comparator.comparingLong(Task::id);

    /** One agent's waiting tasks and its virtual time. */
    private static final class Flow {
        final String agent;
        final TreeSet<Task> waiting = new TreeSet<>(OLDEST_FIRST);
        double virtualTime;

        Flow(String agent) {
            this.agent = agent;
        }

        long oldestId() {
            return waiting.first().id();
        }
    }

    // A flow's place depends on its virtual time and oldest task: change them only while it is out of the set.
    private static final Comparator<Flow> LEAST_SERVED_FIRST =
            Comparator.<Flow>comparingDouble(f -> f.virtualTime).thenComparingLong(Flow::oldestId);

    /** Agents with waiting tasks, least served first. */
    private final TreeSet<Flow> active = new TreeSet<>(LEAST_SERVED_FIRST);
    /** Every active agent, and idle ones that may still be ahead of the least active one. */
    private final Map<String, Flow> flows = new HashMap<>();
    /** When {@link #flows} grows beyond this, idle agents that no longer matter are swept out. */
    private int forgetAbove = 1024;
    private int size;
    private volatile Map<String, Double> weights = Map.of();

    @Override
    public void configure(Map<String, String> parameters) {
        Map<String, Double> next = Map.of();
        for (Map.Entry<String, String> p : parameters.entrySet()) {
            if (!WEIGHTS.equals(p.getKey())) {
                throw new IllegalArgumentException("policy fair has no parameter '" + p.getKey() + "' (value '"
                        + p.getValue() + "'): its only parameter is " + WEIGHTS + ", such as " + WEIGHTS
                        + "=alice:2,bob:1");
            }
            next = parseWeights(p.getValue());
        }
        weights = next;
    }

    private static Map<String, Double> parseWeights(String value) {
        Map<String, Double> parsed = new HashMap<>();
        for (String item : value.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int colon = item.lastIndexOf(':');
            String agent = colon < 0 ? "" : item.substring(0, colon).trim();
            Double weight = colon < 0 ? null : parseWeight(item.substring(colon + 1).trim());
            if (agent.isEmpty() || weight == null) {
                throw new IllegalArgumentException(WEIGHTS + "='" + value + "' is not accepted: '" + item.trim()
                        + "' is not agent:weight with a weight > 0; use a comma list such as " + WEIGHTS
                        + "=alice:2,bob:1 (unlisted agents weigh 1)");
            }
            if (parsed.put(agent, weight) != null) {
                throw new IllegalArgumentException(WEIGHTS + "='" + value + "' is not accepted: agent '" + agent
                        + "' is listed twice; give each agent one weight");
            }
        }
        return Map.copyOf(parsed);
    }

    /** The weight, or {@code null} unless it is a finite number > 0. */
    private static Double parseWeight(String text) {
        try {
            double w = Double.parseDouble(text);
            return w > 0 && !Double.isInfinite(w) ? w : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public void offer(Task task) {
        Flow f = flows.computeIfAbsent(task.agent(), Flow::new);
        if (f.waiting.isEmpty()) {
            f.virtualTime = Math.max(f.virtualTime, active.isEmpty() ? 0 : active.first().virtualTime);
        } else {
            active.remove(f);
        }
        f.waiting.add(task);
        active.add(f);
        size++;
    }

    @Override
    public Task poll() {
        Flow f = active.pollFirst();
        if (f == null) {
            return null;
        }
        Task task = f.waiting.pollFirst();
        f.virtualTime += Math.max(1, task.costEstimateNanos()) / weights.getOrDefault(f.agent, 1.0);
        if (!f.waiting.isEmpty()) {
            active.add(f);
        }
        size--;
        forgetIdleAgents();
        return task;
    }

    @Override
    public boolean remove(Task task) {
        Flow f = flows.get(task.agent());
        if (f == null || !f.waiting.contains(task)) {
            return false;
        }
        active.remove(f);
        f.waiting.remove(task);
        if (!f.waiting.isEmpty()) {
            active.add(f);
        }
        size--;
        forgetIdleAgents();
        return true;
    }

    @Override
    public List<Task> drain() {
        List<Task> all = new ArrayList<>(size);
        for (Flow f : active) {
            all.addAll(f.waiting);
        }
        active.clear();
        flows.clear();
        size = 0;
        all.sort(OLDEST_FIRST);
        return all;
    }

    @Override
    public int size() {
        return size;
    }

    /**
     * Drops idle agents that would restart where a new one starts anyway: all of them when none is active, else
     * (now and then, to keep this cheap) those not ahead of the least active agent.
     */
    private void forgetIdleAgents() {
        if (active.isEmpty()) {
            flows.clear();
        } else if (flows.size() > forgetAbove) {
            double least = active.first().virtualTime;
            flows.values().removeIf(f -> f.waiting.isEmpty() && f.virtualTime <= least);
            forgetAbove = Math.max(1024, 2 * flows.size());
        }
    }
}
