package aios.bench;

import aios.kernel.api.syscall.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Draws synthetic LLM workloads, the same trace for the same arguments and seed.
 *
 * <p>Service times are drawn first, then arrivals at the rate that offers the requested load:
 * {@code rate = load × slots / mean service} (the mean of the drawn service times), so that {@code load} is the
 * fraction of {@code slots} parallel slots the trace keeps busy on average ({@code load} 0.8 with 4 slots: 80 % of
 * four slots). Every service time is at least {@value #MIN_SERVICE_MS} ms.
 *
 * <ul>
 *   <li>{@code poisson}: exponential inter-arrival times; service 5 ms plus an exponential of mean 15 ms;
 *   <li>{@code bursty}: the same service times; arrivals come only in ON periods (exponential, mean 10 mean
 *       service times) separated by OFF periods (mean 30), at four times the average rate while ON;
 *   <li>{@code heavy-tail}: Poisson arrivals; Pareto service times with minimum 5 ms and shape 1.5 (mean 15 ms,
 *       median 7.9 ms, unbounded variance: a few tasks take hundreds of milliseconds).
 * </ul>
 *
 * <p>Every kind: agents {@code agent-0 … agent-(A−1)} send in Zipf proportions (agent {@code k} with weight
 * {@code 1/(k+1)}), so a few agents send most of the tasks; priorities are uniform in 0–3; a fraction
 * {@code deadlines} of the tasks, chosen at random, get the deadline {@code arrival + slack × service} with slack
 * uniform in [2, 8).
 */
final class TraceGenerator {

    static final double MIN_SERVICE_MS = 5;
    private static final double EXP_SERVICE_MEAN_MS = 15;
    private static final double PARETO_SHAPE = 1.5;
    /** ON and OFF period means of {@code bursty}, in mean service times: ON a quarter of the time. */
    private static final double BURST_ON = 10;
    private static final double BURST_OFF = 30;
    private static final int PRIORITIES = 4;
    private static final double SLACK_MIN = 2;
    private static final double SLACK_MAX = 8;

    enum Kind {
        POISSON, BURSTY, HEAVY_TAIL;

        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.id().equals(text)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--kind '" + text + "' is not known: use one of "
                    + Arrays.stream(values()).map(Kind::id).collect(Collectors.joining(", ")));
        }
    }

    private final Kind kind;
    private final int tasks;
    private final int agents;
    private final double load;
    private final int slots;
    private final double deadlines;

    /**
     * @throws IllegalArgumentException naming the option that is out of range
     */
    TraceGenerator(Kind kind, int tasks, int agents, double load, int slots, double deadlines) {
        if (tasks < 1 || agents < 1 || slots < 1) {
            throw new IllegalArgumentException("--tasks, --agents and --slots must be ≥ 1, not " + tasks + ", "
                    + agents + ", " + slots);
        }
        if (!(load > 0) || Double.isInfinite(load)) {
            throw new IllegalArgumentException("--load " + load + " must be a number > 0 (offered load per slot)");
        }
        if (!(deadlines >= 0 && deadlines <= 1)) {
            throw new IllegalArgumentException("--deadlines " + deadlines + " must be a fraction in [0, 1]");
        }
        this.kind = kind;
        this.tasks = tasks;
        this.agents = agents;
        this.load = load;
        this.slots = slots;
        this.deadlines = deadlines;
    }

    Trace generate(long seed) {
        Random rnd = new Random(seed);
        double[] serviceMs = new double[tasks];
        double sum = 0;
        for (int i = 0; i < tasks; i++) {
            serviceMs[i] = service(rnd);
            sum += serviceMs[i];
        }
        double meanServiceMs = sum / tasks;
        double ratePerMs = load * slots / meanServiceMs;
        Arrivals arrivals = kind == Kind.BURSTY
                ? new Bursty(rnd, ratePerMs, BURST_ON * meanServiceMs, BURST_OFF * meanServiceMs)
                : () -> exponential(rnd, 1 / ratePerMs);
        double[] zipf = zipfCumulative(agents);

        List<Trace.Row> rows = new ArrayList<>(tasks);
        double t = 0;
        for (int i = 0; i < tasks; i++) {
            t += arrivals.nextGapMs();
            long arrival = Math.round(t * 1000);
            long service = Math.max(Math.round(MIN_SERVICE_MS * 1000), Math.round(serviceMs[i] * 1000));
            String agent = "agent-" + pick(zipf, rnd.nextDouble());
            int priority = rnd.nextInt(PRIORITIES);
            long deadline = Trace.Row.NO_DEADLINE;
            if (rnd.nextDouble() < deadlines) {
                double slack = SLACK_MIN + (SLACK_MAX - SLACK_MIN) * rnd.nextDouble();
                deadline = arrival + Math.round(slack * service);
            }
            rows.add(new Trace.Row(arrival, agent, Resource.LLM, service, priority, deadline));
        }
        return new Trace(rows);
    }

    private double service(Random rnd) {
        return switch (kind) {
            case POISSON, BURSTY -> MIN_SERVICE_MS + exponential(rnd, EXP_SERVICE_MEAN_MS);
            // inverse transform: xm / U^(1/α), U in (0, 1]
            case HEAVY_TAIL -> MIN_SERVICE_MS / Math.pow(1 - rnd.nextDouble(), 1 / PARETO_SHAPE);
        };
    }

    private static double exponential(Random rnd, double mean) {
        return -mean * Math.log(1 - rnd.nextDouble());
    }

    private static double[] zipfCumulative(int n) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / (k + 1);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    private static int pick(double[] cumulative, double u) {
        for (int k = 0; k < cumulative.length; k++) {
            if (u < cumulative[k]) {
                return k;
            }
        }
        return cumulative.length - 1;
    }

    private interface Arrivals {
        double nextGapMs();
    }

    /**
     * Poisson arrivals that happen only while ON; ON and OFF periods are exponential. The rate while ON is raised
     * so that the long-run rate is {@code ratePerMs}.
     */
    private static final class Bursty implements Arrivals {
        private final Random rnd;
        private final double onRatePerMs;
        private final double meanOnMs;
        private final double meanOffMs;
        private double onLeftMs;

        Bursty(Random rnd, double ratePerMs, double meanOnMs, double meanOffMs) {
            this.rnd = rnd;
            this.onRatePerMs = ratePerMs * (meanOnMs + meanOffMs) / meanOnMs;
            this.meanOnMs = meanOnMs;
            this.meanOffMs = meanOffMs;
            this.onLeftMs = exponential(rnd, meanOnMs);
        }

        @Override
        public double nextGapMs() {
            double gap = 0;
            double need = exponential(rnd, 1 / onRatePerMs); // ON time until the next arrival
            while (need > onLeftMs) { // the ON period ends first: skip an OFF period, start a new ON one
                need -= onLeftMs;
                gap += onLeftMs + exponential(rnd, meanOffMs);
                onLeftMs = exponential(rnd, meanOnMs);
            }
            onLeftMs -= need;
            return gap + need;
        }
    }
}
