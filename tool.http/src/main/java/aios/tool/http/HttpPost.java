package aios.tool.http;

import aios.kernel.api.tool.ToolService;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * {@code http_post}: sends a body to a URL on an allowed host. Irreversible: what a POST changes on the server
 * cannot be undone from here, so an access manager may ask an operator to approve it.
 */
@Component(service = ToolService.class, configurationPid = GuardedHttp.PID)
public final class HttpPost extends HttpTool {

    @Activate
    public HttpPost(HttpConfig config, @Reference(service = LoggerFactory.class) Logger log) {
        this(settings(config, log));
    }

    HttpPost(GuardedHttp.Settings settings) {
        super(settings);
    }

    @Override
    public String name() {
        return "http_post";
    }

    @Override
    public String description() {
        return "HTTP POST of a body to a URL on an allowed host; returns the status, final URL, content type and body"
                + " as text. Cannot be undone. Only hosts an operator allowed can be reached (by default this machine"
                + " only)";
    }

    @Override
    public String parameters() {
        return """
                {"type": "object",
                 "properties": {"url": {"type": "string", "format": "uri", "maxLength": 4096,
                                        "description": "an http or https URL"},
                                "body": {"type": "string", "description": "the request body"},
                                "content_type": {"type": "string", "default": "application/json",
                                                 "description": "the body's media type"},
                                %s},
                 "required": ["url", "body"], "additionalProperties": false}""".formatted(HEADERS_SCHEMA);
    }

    @Override
    public boolean reversible() {
        return false;
    }

    @Override
    GuardedHttp.Response send(JsonNode args, Map<String, String> headers) throws Exception {
        return http.send(name(), "POST", args.path("url").asText(), headers,
                args.path("content_type").asText("application/json"), args.path("body").asText());
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
