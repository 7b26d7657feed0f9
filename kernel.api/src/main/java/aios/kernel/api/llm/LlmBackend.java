package aios.kernel.api.llm;

import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A model backend: runs LLM syscalls. Registered as a service; the kernel sends a query to the backend that
 * lists the requested model, or, when none is requested, to the highest-ranked backend.
 *
 * <p>{@link #complete} is called on a worker thread of the LLM queue, possibly from several at once; it may
 * block until the answer is ready, and should stop early when its thread is interrupted (cancellation).
 */
@ConsumerType
public interface LlmBackend {

    /** Service property: the backend's name, such as {@code local} or {@code openai}. */
    String NAME = "aios.llm.name";

    /** The models this backend serves; the first is its default. */
    List<String> models();

    /**
     * Answers a query.
     *
     * @throws Exception with a message a person can act on (which model, which limit)
     */
    LlmResult complete(LlmQuery query) throws Exception;

    /**
     * Starts a generation the kernel can run in steps and preempt between them (see {@link Generation}).
     * Backends that cannot return {@code null}, the default: the kernel then calls {@link #complete} and the
     * syscall runs to its end once started.
     *
     * @throws Exception as {@link #complete}
     */
    default Generation start(LlmQuery query) throws Exception {
        return null;
    }

    /**
     * Continues a generation from {@link Generation#snapshot()} bytes, exactly where it stopped.
     *
     * @throws IllegalArgumentException if the bytes are not a snapshot of this backend's (naming what is wrong)
     * @throws UnsupportedOperationException if this backend cannot restore generations
     */
    default Generation resume(LlmQuery query, byte[] snapshot) throws Exception {
        throw new UnsupportedOperationException("this LLM backend cannot resume a generation from a snapshot");
    }
}
