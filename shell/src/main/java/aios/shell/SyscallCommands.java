package aios.shell;

import aios.kernel.api.Kernel;
import aios.kernel.api.SyscallHandle;
import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Resource;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import aios.kernel.api.syscall.SyscallResult;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code aios:submit} and {@code aios:wait}: syscalls from the shell, as an agent would make them. */
@Component(service = SyscallCommands.class, immediate = true, property = {
        "osgi.command.scope=aios", "osgi.command.function=submit"})
public final class SyscallCommands {

    /** Handles of the syscalls submitted from the shell, the newest {@value #KEPT}, for aios:wait. */
    private static final int KEPT = 1_000;
    /** Put after the last piece of a followed text. */
    private static final String END = new String("end of text");

    @Reference
    private Kernel kernel;

    private final Map<Long, SyscallHandle> submitted = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, SyscallHandle> eldest) {
            return size() > KEPT;
        }
    };

    @Descriptor("submit a syscall and print its id at once (aios:wait ID prints the result); the agent is registered"
            + " if it is not yet. Only llm syscalls can be made from the shell for now")
    public long submit(
            @Descriptor("agent name") @Parameter(names = "--agent", absentValue = "shell") String agent,
            @Descriptor("most tokens to generate") @Parameter(names = "--tokens", absentValue = "256") int tokens,
            @Descriptor("0 for greedy decoding") @Parameter(names = "--temperature", absentValue = "0") double temperature,
            @Descriptor("nucleus sampling mass") @Parameter(names = "--top-p", absentValue = "1") double topP,
            @Descriptor("draw from this many most likely tokens only (before top-p); 0 for no limit")
            @Parameter(names = "--top-k", absentValue = "0") int topK,
            @Descriptor("random seed (sampled generations)") @Parameter(names = "--seed", absentValue = "-1") long seed,
            @Descriptor("priority, larger is more urgent") @Parameter(names = "--priority", absentValue = "0") int priority,
            @Descriptor("model name (llm:models lists them); default: the default backend's")
            @Parameter(names = "--model", absentValue = "") String model,
            @Descriptor("resource: llm") String resource,
            @Descriptor("the prompt") String... prompt) {
        if (Resource.parse(resource) != Resource.LLM) {
            throw new IllegalArgumentException("aios:submit makes llm syscalls only; " + resource
                    + " syscalls come from agents through the SDK or the HTTP API");
        }
        if (prompt.length == 0) {
            throw new IllegalArgumentException("aios:submit llm needs a prompt, e.g. aios:submit llm --agent a Once upon a time");
        }
        kernel.register(agent);
        LlmQuery query = new LlmQuery(agent, List.of(Message.user(String.join(" ", prompt))), List.of(), LlmAction.CHAT,
                new Sampling(tokens, temperature, topP, seed < 0 ? null : seed, topK), model.isEmpty() ? null : model,
                Scheduling.priority(priority));
        SyscallHandle h = kernel.submit(query);
        follow(h);
        return h.id();
    }

    /** Keeps a handle of a syscall started from this shell, for {@code aios:wait}. */
    void follow(SyscallHandle h) {
        synchronized (submitted) {
            submitted.put(h.id(), h);
        }
    }

    /**
     * Waits for a syscall submitted from this shell and returns its result as text ({@code aios:wait}, which
     * {@link WaitCommand} serves).
     */
    String await(long id, int timeoutSeconds) throws InterruptedException {
        SyscallHandle h = handle(id);
        try {
            return text(h.result().toCompletableFuture().get(timeoutSeconds, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            throw new IllegalStateException("syscall " + id + " has not finished within " + timeoutSeconds
                    + " s; it is " + h.status() + " (aios:stat " + id + ")");
        } catch (ExecutionException e) {
            String why = e.getCause().getMessage();
            // the kernel's own failure messages already say which syscall failed
            throw new IllegalStateException(why != null && why.contains("syscall " + id + " failed") ? why
                    : "syscall " + id + " failed: " + why);
        } catch (java.util.concurrent.CancellationException e) {
            throw new IllegalStateException("syscall " + id + " was cancelled");
        }
    }

    /**
     * {@link #await} that prints an LLM syscall's text on {@code out} as it is generated ({@code aios:wait --follow});
     * returns the rest of the text, whatever was not printed.
     */
    String awaitFollowing(long id, int timeoutSeconds, PrintStream out) throws InterruptedException {
        SyscallHandle h = handle(id);
        if (!(h.syscall() instanceof LlmQuery) || h.result().toCompletableFuture().isDone()) {
            return await(id, timeoutSeconds);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        // the kernel's worker only queues the pieces: printing to a terminal may block, so it happens here
        BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
        StringBuilder printed = new StringBuilder();
        try (AutoCloseable following = kernel.followText(id, pieces::add)) {
            h.result().whenComplete((r, e) -> pieces.add(END)); // after the last piece
            for (String piece; (piece = pieces.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != END; ) {
                if (piece == null) {
                    throw new IllegalStateException("syscall " + id + " has not finished within " + timeoutSeconds
                            + " s; it is " + h.status() + " (aios:stat " + id + ")");
                }
                out.print(piece);
                out.flush();
                printed.append(piece);
            }
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not stop following syscall " + id + ": " + e, e);
        }
        String text = await(id, timeoutSeconds); // it has ended: at once
        return text.startsWith(printed.toString()) ? text.substring(printed.length()) : "\n" + text;
    }

    private SyscallHandle handle(long id) {
        SyscallHandle h;
        synchronized (submitted) {
            h = submitted.get(id);
        }
        if (h == null) {
            throw new IllegalArgumentException("syscall " + id + " was not submitted or restored from this shell (or is older than the"
                    + " last " + KEPT + "); aios:stat " + id + " shows its status");
        }
        return h;
    }

    private static String text(SyscallResult r) {
        return switch (r) {
            case LlmResult l -> l.text();
            default -> r.toString();
        };
    }
}
