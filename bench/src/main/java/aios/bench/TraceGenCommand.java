package aios.bench;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;

/**
 * {@code bench:trace-gen}: writes a synthetic workload as a trace in CSV form (see {@link TraceGenerator} for the
 * kinds and {@link Trace} for the format), for {@code bench:schedule} to replay.
 */
@Component(service = TraceGenCommand.class, property = {
        "osgi.command.scope=bench", "osgi.command.function=trace-gen"})
public final class TraceGenCommand {

    /**
     * Gogo calls a command's method by the command's name; {@code trace-gen} is no Java name, so Gogo falls back
     * to {@code _main} and passes the name as the one argument that is not an option.
     */
    @Descriptor("write a synthetic trace (CSV: " + Trace.HEADER + ") to stdout")
    public String _main(
            @Descriptor("poisson, bursty or heavy-tail") @Parameter(names = "--kind", absentValue = "poisson")
            String kind,
            @Descriptor("number of tasks") @Parameter(names = "--tasks", absentValue = "400") int tasks,
            @Descriptor("number of agents (agent-0 sends most)") @Parameter(names = "--agents", absentValue = "8")
            int agents,
            @Descriptor("offered load: the fraction of --slots slots the trace keeps busy on average")
            @Parameter(names = "--load", absentValue = "0.8") double load,
            @Descriptor("slots the load is relative to (give bench:schedule the same)")
            @Parameter(names = "--slots", absentValue = "1") int slots,
            @Descriptor("fraction of tasks with a deadline") @Parameter(names = "--deadlines", absentValue = "0.3")
            double deadlines,
            @Descriptor("random seed: the same seed gives the same trace") @Parameter(names = "--seed",
                    absentValue = "1") long seed,
            String command) {
        return new TraceGenerator(TraceGenerator.Kind.parse(kind), tasks, agents, load, slots, deadlines)
                .generate(seed).toCsv();
    }
}
