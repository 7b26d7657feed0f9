package aios.kernel.api.tool;

import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A tool agents may call. Each tool is a service; one that appears is callable at once and one that goes away
 * is gone. The {@link ToolManager} reads {@link #name()}, {@link #description()}, {@link #parameters()},
 * {@link #reversible()}, {@link #parallelism()} and {@link #timeout()} once, when the service appears (register the
 * service anew to change them), and refuses a tool whose name or schema is not valid (its log says why).
 *
 * <p>{@link #invoke} runs on a thread of the tool manager, at most {@link #parallelism()} calls at once, only with
 * arguments that satisfy {@link #parameters()}. When a call exceeds {@link #timeout()} its thread is interrupted and
 * the caller gets a timeout error: a tool should stop when interrupted (blocking calls throw
 * {@link InterruptedException} or {@link java.io.InterruptedIOException}; loops check
 * {@link Thread#isInterrupted()}). A tool that ignores the interruption keeps its slot until it really ends.
 */
@ConsumerType
public interface ToolService {

    /** The tool's name as agents call it: 1–64 characters from {@code A-Z a-z 0-9 _ -}, unique among tools. */
    String name();

    /** What it does, for people and models. */
    String description();

    /** The JSON Schema of its arguments, as text: a schema of a JSON object ({@code "type": "object"}). */
    String parameters();

    /** Whether its effect can be undone; irreversible tools may need an operator's approval. */
    default boolean reversible() {
        return true;
    }

    /** The most calls that may run at once. */
    default int parallelism() {
        return 1;
    }

    /** How long one call may take. */
    default Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /**
     * Runs the tool. May be called from several threads at once (up to {@link #parallelism()}).
     *
     * @return its output, JSON or text
     * @throws Exception with a message a person (or a model) can act on; the caller gets it as the call's error
     */
    String invoke(ToolInvocation invocation) throws Exception;
}
