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
}
