package aios.tool.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP with guards, for the tools: only {@code http} and {@code https} URLs whose host is on the allowlist; redirects
 * followed by hand, each only to an allowed host; a request body up to {@code request.max.bytes}; a response body up
 * to {@code response.max.bytes} (a larger one is refused as soon as it is known to be larger, not cut); and one
 * deadline for the whole call, redirects included.
 *
 * <p>Thread-safe; {@link #close()} lets calls in flight finish.
 */
final class GuardedHttp implements AutoCloseable {

    static final String PID = "aios.tool.http";
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** The settings of {@code aios.tool.http}. */
    record Settings(HostAllowlist hosts, int requestMaxBytes, int responseMaxBytes, Duration timeout, int redirectsMax,
                    int parallelism) {

        /** The defaults of {@link HttpConfig}. */
        static final Settings DEFAULTS = new Settings(new HostAllowlist("127.0.0.1", "::1", "localhost"), 1024 * 1024,
                1024 * 1024, Duration.ofSeconds(10), 5, 4);

        /** @throws IllegalArgumentException naming the key and the value that is not accepted */
        static Settings of(HttpConfig c) {
            if (c.request_max_bytes() < 0 || c.response_max_bytes() < 0) {
                throw new IllegalArgumentException("configuration " + PID + ": request.max.bytes and response.max.bytes"
                        + " must be at least 0");
            }
            if (c.timeout_ms() < 1 || c.redirects_max() < 0 || c.parallelism() < 1) {
                throw new IllegalArgumentException("configuration " + PID + ": timeout.ms " + c.timeout_ms()
                        + " and parallelism " + c.parallelism() + " must be at least 1, redirects.max "
                        + c.redirects_max() + " at least 0");
            }
            return new Settings(new HostAllowlist(c.hosts()), c.request_max_bytes(), c.response_max_bytes(),
                    Duration.ofMillis(c.timeout_ms()), c.redirects_max(), c.parallelism());
        }
    }

    /** A response: its status, the URL it came from (after redirects), its content type and its body as text. */
    record Response(int status, URI url, String contentType, String body) {
    }

    /** The response body passed the limit. */
    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    final Settings settings;
    private final HttpClient client;

    GuardedHttp(Settings settings) {
        this.settings = settings;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout()).build();
    }

    /**
     * Sends a request and returns the final response (any status).
     *
     * @param tool the tool's name, for messages
     * @param body the request body, {@code null} for none
     * @throws IllegalArgumentException the URL, its host, a header or the body size is not allowed (nothing was sent),
     *     or a redirect leads off the allowlist or past redirects.max (it was not followed)
     * @throws IOException the server could not be reached, the response was too large or did not come in time
     * @throws InterruptedException the call was interrupted (its request is cancelled)
     */
    Response send(String tool, String method, String url, Map<String, String> headers, String contentType, String body)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        URI uri = check(tool, url, null);
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (payload != null && payload.length > settings.requestMaxBytes()) {
            throw new IllegalArgumentException(tool + ": the request body has " + payload.length + " bytes, more than"
                    + " request.max.bytes (" + settings.requestMaxBytes() + ") of " + PID + ": send less");
        }
        for (int hops = 0; ; hops++) {
            HttpResponse<byte[]> r = exchange(tool, method, uri, headers, contentType, payload, deadline);
            String location = r.headers().firstValue("location").orElse(null);
            if (!REDIRECTS.contains(r.statusCode()) || location == null) {
                String type = r.headers().firstValue("content-type").orElse("");
                return new Response(r.statusCode(), uri, type, new String(r.body(), charset(type)));
            }
            if (hops == settings.redirectsMax()) {
                throw new IllegalArgumentException(tool + ": " + url + " redirected more than redirects.max ("
                        + settings.redirectsMax() + ") times; the last redirect, to " + location + ", was not followed");
            }
            URI next = check(tool, location, uri);
            if (r.statusCode() == 303 || ((r.statusCode() == 301 || r.statusCode() == 302) && !method.equals("GET"))) {
                method = "GET"; // as browsers do: the redirected request reads the result
                payload = null;
                contentType = null;
            }
            uri = next;
        }
    }

    /** A URL the tool may request; {@code base} resolves a redirect's relative location. */
    private URI check(String tool, String url, URI base) {
        URI uri;
        try {
            uri = base == null ? new URI(url) : base.resolve(url);
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException(tool + ": '" + url + "' is not a valid URL" + (base == null ? ""
                    : " (a redirect from " + base + ")") + ": " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(tool + ": '" + uri + "' is not an http or https URL"
                    + (base == null ? "" : " (a redirect from " + base + ", not followed)"));
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(tool + ": '" + url + "' carries credentials before its host; they are"
                    + " not accepted in a URL: send an Authorization header instead");
        }
        if (!settings.hosts().allows(uri.getHost())) {
            throw new IllegalArgumentException(tool + ": " + (base == null ? "" : base + " redirected to " + uri
                    + ", whose ") + "host '" + uri.getHost() + "' is not on the allowlist (hosts of " + PID + ": "
                    + settings.hosts().describe() + ")" + (base == null ? "" : "; the redirect was not followed")
                    + ": an operator can add it to the hosts of " + PID);
        }
        return uri;
    }

    private HttpResponse<byte[]> exchange(String tool, String method, URI uri, Map<String, String> headers,
                                          String contentType, byte[] payload, long deadline)
            throws IOException, InterruptedException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timeout(uri);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(left))
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(payload));
        try {
            headers.forEach(b::header);
            if (payload != null && contentType != null) {
                b.header("Content-Type", contentType);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(tool + ": a header cannot be sent: " + e.getMessage()
                    + " (Host, Content-Length, Connection and the like are set by the tool)");
        }
        CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(b.build(), info -> limited(info, uri));
        try {
            return future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timeout(uri);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof TooLarge t) {
                    throw new TooLarge(tool + ": " + t.getMessage());
                }
                if (c instanceof java.net.http.HttpTimeoutException) {
                    throw timeout(uri);
                }
            }
            Throwable c = e.getCause();
            throw new IOException(tool + ": cannot get " + uri + ": " + (c.getMessage() == null
                    ? c.getClass().getSimpleName() : c.getMessage() + " (" + c.getClass().getSimpleName() + ")"), c);
        }
    }

    private IOException timeout(URI uri) {
        return new IOException("no complete response from " + uri + " within " + settings.timeout().toMillis()
                + " ms (timeout.ms of " + PID + ")");
    }

    /** Collects at most response.max.bytes of the body; refuses more as soon as it is known. */
    private BodySubscriber<byte[]> limited(HttpResponse.ResponseInfo info, URI uri) {
        int max = settings.responseMaxBytes();
        long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
        return new BodySubscriber<>() {
            private final CompletableFuture<byte[]> body = new CompletableFuture<>();
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private Flow.Subscription subscription;

            @Override
            public CompletableFuture<byte[]> getBody() {
                return body;
            }

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                if (declared > max) {
                    s.cancel();
                    body.completeExceptionally(tooLarge(declared));
                } else {
                    s.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(List<ByteBuffer> items) {
                if (body.isDone()) {
                    return;
                }
                for (ByteBuffer b : items) {
                    if (bytes.size() + (long) b.remaining() > max) {
                        subscription.cancel();
                        body.completeExceptionally(tooLarge(-1));
                        return;
                    }
                    byte[] chunk = new byte[b.remaining()];
                    b.get(chunk);
                    bytes.writeBytes(chunk);
                }
            }

            @Override
            public void onError(Throwable t) {
                body.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                body.complete(bytes.toByteArray());
            }

            private TooLarge tooLarge(long size) {
                return new TooLarge("the response of " + uri + (size >= 0 ? " has " + size + " bytes, more than"
                        : " is larger than") + " response.max.bytes (" + max + ") of " + PID + "; it was refused: ask"
                        + " for less, or an operator can raise the limit");
            }
        };
    }

    private static Charset charset(String contentType) {
        for (String part : contentType.split(";")) {
            String p = part.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                try {
                    return Charset.forName(p.substring(8).replace("\"", "").trim());
                } catch (IllegalArgumentException e) {
                    return StandardCharsets.UTF_8; // an unknown charset: read as UTF-8 rather than fail
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
