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
import org.osgi.service.metatype.annotations.Designate;

/** {@code http_get}: reads a URL on an allowed host. Reversible: a GET changes nothing (HTTP's safe method). */
@Component(service = ToolService.class, configurationPid = GuardedHttp.PID)
@Designate(ocd = HttpConfig.class)
public final class HttpGet extends HttpTool {

    @Activate
    public HttpGet(HttpConfig config, @Reference(service = LoggerFactory.class) Logger log) {
        this(settings(config, log));
    }

    HttpGet(GuardedHttp.Settings settings) {
        super(settings);
    }

    @Override
    public String name() {
        return "http_get";
    }

    @Override
    public String description() {
        return "HTTP GET of a URL on an allowed host; returns the status, final URL, content type and body as text."
                + " Only hosts an operator allowed can be reached (by default this machine only)";
    }

    @Override
    public String parameters() {
        return """
                {"type": "object",
                 "properties": {"url": {"type": "string", "format": "uri", "maxLength": 4096,
                                        "description": "an http or https URL"},
                                %s},
                 "required": ["url"], "additionalProperties": false}""".formatted(HEADERS_SCHEMA);
    }

    @Override
    GuardedHttp.Response send(JsonNode args, Map<String, String> headers) throws Exception {
        return http.send(name(), "GET", args.path("url").asText(), headers, null, null);
    }

    @Deactivate
    void deactivate() {
        close();
    }
}
