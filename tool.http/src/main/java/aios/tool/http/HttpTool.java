package aios.tool.http;

import aios.kernel.api.tool.ToolInvocation;
import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.osgi.service.log.Logger;

/**
 * What {@code http_get} and {@code http_post} share: the guarded client built from {@code aios.tool.http}, and the
 * answer {@code {"status": 200, "url": "…", "content_type": "…", "body": "…"}} — any status, since a 404 is an answer
 * too. The tool's timeout is the configured one plus a second, so that the client's own timeout, which names the
 * URL, comes first.
 */
abstract class HttpTool implements ToolService, AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String HEADERS_SCHEMA = """
            "headers": {"type": "object", "additionalProperties": {"type": "string"},
                        "description": "request headers, name to value"}""";

    final GuardedHttp http;

    HttpTool(GuardedHttp.Settings settings) {
        this.http = new GuardedHttp(settings);
    }

    /**
     * The settings of a configuration; one that is not valid is logged and the defaults apply (this machine only),
     * so that a mistake never opens more than was meant.
     */
    static GuardedHttp.Settings settings(HttpConfig config, Logger log) {
        try {
            return GuardedHttp.Settings.of(config);
        } catch (IllegalArgumentException e) {
            log.error("{}; the HTTP tools run on their defaults (hosts 127.0.0.1, ::1, localhost) until it is"
                    + " corrected", e.getMessage());
            return GuardedHttp.Settings.DEFAULTS;
        }
    }

    @Override
    public int parallelism() {
        return http.settings.parallelism();
    }

    @Override
    public Duration timeout() {
        return http.settings.timeout().plusSeconds(1);
    }

    @Override
    public final String invoke(ToolInvocation invocation) throws Exception {
        JsonNode args = JSON.readTree(invocation.arguments());
        Map<String, String> headers = new LinkedHashMap<>();
        args.path("headers").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        GuardedHttp.Response r = send(args, headers);
        return JSON.createObjectNode().put("status", r.status()).put("url", r.url().toString())
                .put("content_type", r.contentType()).put("body", r.body()).toString();
    }

    abstract GuardedHttp.Response send(JsonNode arguments, Map<String, String> headers) throws Exception;

    @Override
    public void close() {
        http.close();
    }
}
