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
        try (InputStream in = http.getInputStream()) {
            if (declared > maxBody) {
                drain(in, declared);
                throw tooLarge(declared + " bytes");
            }
            byte[] bytes = in.readNBytes(maxBody + 1);
            if (bytes.length > maxBody) {
                drain(in, Long.MAX_VALUE);
                throw tooLarge("more than " + maxBody + " bytes");
            }
            return bytes;
        }
    }

    /**
     * Reads and drops what the client still sends, up to {@link #DRAIN_BYTES}, so that it gets the 413 (a client that
     * is still writing when the connection closes loses the answer); past that the connection is closed.
     */
    private void drain(InputStream in, long declared) throws IOException {
        if (declared > DRAIN_BYTES) {
            response.setHeader("Connection", "close");
            return;
        }
        long left = DRAIN_BYTES;
        byte[] buffer = new byte[8192];
        for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0; ) {
            left -= n;
        }
        if (left <= 0) {
            response.setHeader("Connection", "close");
        }
    }

    /** The most of a refused body that is read (and dropped) so that the client hears why. */
    static final long DRAIN_BYTES = 16L * 1024 * 1024;

    private ApiException tooLarge(String size) {
        return new ApiException(413, "the request body is " + size + ", more than the limit of " + maxBody
                + " bytes (max.body.bytes in the configuration aios.http)");
    }
}
