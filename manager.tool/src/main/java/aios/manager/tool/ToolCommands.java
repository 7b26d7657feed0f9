package aios.manager.tool;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.syscall.ToolCall;
import aios.kernel.api.syscall.ToolQuery;
import aios.kernel.api.syscall.ToolResult;
import aios.kernel.api.tool.ToolDescriptor;
import aios.text.TextTable;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code tool:ls}, {@code tool:show} and {@code tool:call}: the installed tools from the Gogo shell. {@code tool:call}
 * submits a real tool syscall through the kernel, so the access policy, the agent's limits, the tool queue and the
 * task history apply as to any agent's call.
 */
@Component(service = ToolCommands.class, property = {"osgi.command.scope=tool", "osgi.command.function=ls",
        "osgi.command.function=show", "osgi.command.function=call"})
public final class ToolCommands {

    @Reference
    private InstalledTools tools;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile Kernel kernel;

    /** For DS. */
    public ToolCommands() {
    }

    ToolCommands(InstalledTools tools, Kernel kernel) {
        this.tools = tools;
        this.kernel = kernel;
    }

    @Descriptor("the installed tools: whether reversible, parallelism limit, calls running now (overdue: past their "
            + "timeout, ignoring the interruption), calls made, failed, timed out and refused, timeout; and tool services "
            + "refused when they appeared")
    public String ls() {
        List<InstalledTools.Status> status = tools.status();
        StringBuilder out = new StringBuilder();
        if (status.isEmpty()) {
            out.append("no tool is installed: drop a tool bundle (such as tool.calc) into bundles/\n");
        } else {
            TextTable t = new TextTable("NAME", "REVERSIBLE", "PARALLELISM", "RUNNING", "CALLS", "FAILED", "TIMED OUT",
                    "REFUSED", "TIMEOUT", "DESCRIPTION");
            for (InstalledTools.Status s : status) {
                ToolDescriptor d = s.descriptor();
                t.row(d.name(), d.reversible() ? "yes" : "no", d.parallelism(),
                        s.running() + (s.overdue() > 0 ? " (" + s.overdue() + " overdue)" : ""), s.calls(), s.failed(),
                        s.timedOut(), s.refused(), Durations.text(d.timeout()), firstLine(d.description()));
            }
            out.append(t);
        }
        for (InstalledTools.Refusal r : tools.refusals()) {
            out.append("refused: tool '").append(r.name()).append("' (service ").append(r.serviceId()).append("): ")
                    .append(r.reason()).append('\n');
        }
        return out.toString();
    }

    @Descriptor("a tool's facts and the JSON Schema of its arguments")
    public String show(@Descriptor("the tool's name") String name) {
        ToolDescriptor d = tools.tool(name).orElseThrow(() -> new IllegalArgumentException(missing(name)));
        String schema;
        try {
            schema = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(Json.MAPPER.readTree(d.parameters()));
        } catch (JsonProcessingException e) {
            schema = d.parameters(); // compiled when installed, so valid: printed as given if not
        }
        return "name         " + d.name() + "\n"
                + "description  " + d.description() + "\n"
                + "reversible   " + (d.reversible() ? "yes" : "no") + "\n"
                + "parallelism  " + d.parallelism() + "\n"
                + "timeout      " + Durations.text(d.timeout()) + "\n"
                + "parameters\n" + schema + "\n";
    }

    @Descriptor("call a tool as an agent, through the kernel (access checks apply), and print its output; the agent is"
            + " registered if it is not yet. Quote the JSON: tool:call alice calc '{\"expression\": \"1/3 + 1/6\"}'")
    public String call(
            @Descriptor("seconds to wait for the outcome") @Parameter(names = "--wait", absentValue = "60") int wait,
            @Descriptor("the calling agent") String agent,
            @Descriptor("the tool's name") String name,
            @Descriptor("the arguments, a JSON object (quoted); none for {}") String... json)
            throws InterruptedException {
        Kernel k = kernel;
        if (k == null) {
            throw new IllegalStateException("the kernel is not running: tool:call needs the Kernel service");
        }
        if (wait < 1) {
            throw new IllegalArgumentException("--wait " + wait + " must be at least 1 (seconds)");
        }
        k.register(agent);
        SyscallHandle h = k.submit(new ToolQuery(agent, new ToolCall(null, name, String.join(" ", json))));
        ToolResult r;
        try {
            r = (ToolResult) h.result().toCompletableFuture().get(wait, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("tool syscall " + h.id() + " has not finished within " + wait + " s; it is "
                    + h.status() + " (aios:stat " + h.id() + ")");
        } catch (ExecutionException e) {
            throw new IllegalStateException("tool syscall " + h.id() + " failed: " + e.getCause().getMessage());
        } catch (CancellationException e) {
            throw new IllegalStateException("tool syscall " + h.id() + " was cancelled");
        }
        ToolResult.Outcome o = r.outcomes().get(0);
        if (!o.ok()) {
            throw new IllegalStateException(o.error());
        }
        return o.output().endsWith("\n") ? o.output() : o.output() + "\n";
    }

    private String missing(String name) {
        List<String> installed = tools.tools().stream().map(ToolDescriptor::name).toList();
        return "no tool named '" + name + "' is installed" + (installed.isEmpty() ? ""
                : ": installed are " + String.join(", ", installed));
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }
}
