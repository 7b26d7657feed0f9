package aios.api.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * A request being handled: the servlet's request and response, who sent it, the route's path parameters, and the
 * body read within the size limit.
 */
final class Request {

    final HttpServletRequest http;
    final HttpServletResponse response;
    final Caller caller;
    final Map<String, String> params;
    private final int maxBody;

    Request(HttpServletRequest http, HttpServletResponse response, Caller caller, Map<String, String> params,
            int maxBody) {
        this.http = http;
        this.response = response;
        this.caller = caller;
        this.params = params;
        this.maxBody = maxBody;
    }

    String param(String name) {
        return params.get(name);
    }

    /** The body as a JSON object; 413 if it is larger than the limit, 400 if it is not a JSON object. */
    ObjectNode json() throws IOException {
        return Json.object(body());
    }

    byte[] body() throws IOException {
        long declared = http.getContentLengthLong();
        if (declared > maxBody) {
            throw tooLarge(declared + " bytes");
        }
        try (InputStream in = http.getInputStream()) {
            byte[] bytes = in.readNBytes(maxBody + 1);
            if (bytes.length > maxBody) {
                throw tooLarge("more than " + maxBody + " bytes");
            }
            return bytes;
        }
    }

    private ApiException tooLarge(String size) {
        return new ApiException(413, "the request body is " + size + ", more than the limit of " + maxBody
                + " bytes (max.body.bytes in the configuration aios.http)");
    }
}
