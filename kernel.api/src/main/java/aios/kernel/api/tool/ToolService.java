package aios.kernel.api.tool;

import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A tool agents may call. Each tool is a service; one that appears is callable at once and one that goes away
 * is gone. {@link #invoke} runs on a worker of the tool queue, at most {@link #parallelism()} at once, and is
 * interrupted when it exceeds {@link #timeout()}.
 */
@ConsumerType
public interface ToolService {

    /** The tool's name as agents call it, unique among tools. */
    String name();

    /** What it does, for people and models. */
    String description();

    /** The JSON Schema of its arguments, as text. */
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
     * Runs the tool.
     *
     * @return its output, JSON or text
     * @throws Exception with a message a person (or a model) can act on
     */
    String invoke(ToolInvocation invocation) throws Exception;
}
