package aios.api.http;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The HTTP API's settings (PID {@code aios.http}). Where it listens is Felix HTTP's configuration: PID
 * {@code org.apache.felix.http}, keys {@code org.osgi.service.http.port} and {@code org.apache.felix.http.host}.
 */
@ObjectClassDefinition(id = HttpApi.PID, name = "AIOS HTTP API",
        description = "Limits of the HTTP API (native /api/v1 and the AIOS/Cerebrum-compatible /query); where it"
                + " listens is set in org.apache.felix.http (org.osgi.service.http.port, org.apache.felix.http.host)")
public @interface HttpApiConfig {

    @AttributeDefinition(name = "max.body.bytes", description = "Largest request body, in bytes; a larger one is"
            + " refused with 413 before it is read", min = "1")
    int max_body_bytes() default 1024 * 1024;

    @AttributeDefinition(name = "rate.per.second", description = "Requests per second each client may make on"
            + " average (per token; per address without one); more are refused with 429 and Retry-After")
    double rate_per_second() default 50;

    @AttributeDefinition(name = "rate.burst", description = "Requests a client may make at once before the rate"
            + " applies", min = "1")
    int rate_burst() default 200;

    @AttributeDefinition(name = "query.timeout.seconds", description = "How long a request that waits for its"
            + " syscall (/query, result?wait=) waits at most; then it is answered with 504 and the syscall's id (the"
            + " syscall goes on)", min = "1")
    int query_timeout_seconds() default 600;

    @AttributeDefinition(name = "results.retained", description = "Syscalls submitted over HTTP whose results are"
            + " kept for GET /api/v1/syscalls/ID/result, the newest first", min = "1")
    int results_retained() default 10_000;

    @AttributeDefinition(name = "streams.max", description = "Server-sent event streams open at once", min = "1")
    int streams_max() default 32;

    @AttributeDefinition(name = "stream.buffer", description = "Events a stream holds for a slow client; when it"
            + " is full the client is sent a last 'dropped' event and disconnected", min = "1")
    int stream_buffer() default 1024;

    @AttributeDefinition(name = "cerebrum.unknown.model", description = "What a Cerebrum LLM query naming a model"
            + " no backend serves (such as gpt-4o-mini) does: 'default' runs it on the default model, 'refuse'"
            + " answers 400 naming the models served")
    String cerebrum_unknown_model() default "default";
}
