package aios.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * HTTP to one endpoint: requests with its key, and every failure turned into an exception that names the URL, the
 * configuration key at fault and what to do — connection refused ({@code base.url}), silence past
 * {@code timeout.seconds}, an answer past {@code max.response.bytes}, an HTTP error status ({@link ApiException}).
 * An interrupted caller aborts its request (the connection is closed) and gets an {@link InterruptedException}.
 *
 * <p>Thread-safe; {@link #close()} aborts the requests in flight.
 */
final class ApiClient implements AutoCloseable {

    /** At most this long to open a connection (within timeout.seconds): an unreachable host fails soon. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** At most this long to read the body of an error answer. */
    private static final Duration ERROR_BODY_WAIT = Duration.ofSeconds(5);
    /** At most this much of an error answer is read. */
    private static final int ERROR_BODY_BYTES = 64 * 1024;

    private final Endpoint endpoint;
    private final HttpClient client;

    ApiClient(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.client = newClient(endpoint);
    }

    private static HttpClient newClient(Endpoint endpoint) {
        boolean tls = endpoint.base().getScheme().equalsIgnoreCase("https");
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                // plain http stays HTTP/1.1: an HTTP/2 upgrade attempt confuses some model servers
                .version(tls ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .connectTimeout(min(CONNECT_TIMEOUT, endpoint.timeout())).build();
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Posts a chat completion request and waits until the answer begins (its status and headers).
     *
     * @param model the model asked for, for messages
     * @param deadline {@link System#nanoTime()} by which the answer must begin
     * @return the answer's body, to read and close
     * @throws ApiException if the server answered with an error status
     * @throws IOException if the server cannot be reached or does not answer in time
     * @throws InterruptedException if the calling thread was interrupted (the request is aborted)
     */
    ResponseBody post(JsonNode body, String model, boolean stream, long deadline)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(endpoint.chat(), deadline)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(ChatRequest.JSON.writeValueAsBytes(body)));
        if (!stream) {
            return exchange(client, b.build(), model, deadline, null);
        }
        // A stream gets a client of its own, shut down when the stream is closed: cancelling a body's subscription
        // does not always close its HTTP/1.1 connection at once (about once in 40 aborts the server went on
        // writing), and an aborted generation must stop the server's work.
        HttpClient own = newClient(endpoint);
        try {
            return exchange(own, b.build(), model, deadline, own::shutdownNow);
        } catch (IOException | InterruptedException | RuntimeException e) {
            own.shutdownNow();
            throw e;
        }
    }

    /**
     * The model names the server lists ({@code GET {base.url}/models}: {@code {"data": [{"id": …}, …]}}), in its
     * order.
     */
    List<String> models() throws IOException, InterruptedException {
        URI url = endpoint.modelList();
        long deadline = System.nanoTime() + min(Duration.ofSeconds(30), endpoint.timeout()).toNanos();
        JsonNode list;
        try (ResponseBody body = exchange(client, request(url, deadline).header("Accept", "application/json").GET()
                .build(), null, deadline, null)) {
            list = ChatRequest.JSON.readTree(readAll(body, url, null, deadline));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException("the answer of " + url + " is not JSON (" + e.getOriginalMessage() + "): is base.url"
                    + " of " + endpoint.configuration() + " the API's base URL?");
        }
        JsonNode data = list == null ? null : list.path("data");
        if (data == null || !data.isArray()) {
            throw new IOException("the answer of " + url + " has no model list (data): set models in "
                    + endpoint.configuration() + " instead");
        }
        return data.findValuesAsText("id").stream().filter(id -> !id.isBlank()).distinct().toList();
    }

    /**
     * The rest of a body, within the deadline and max.response.bytes.
     *
     * @param model the model asked for, for messages ({@code null}: none)
     */
    byte[] readAll(ResponseBody body, URI url, String model, long deadline) throws IOException, InterruptedException {
        try {
            return body.readAll(deadline);
        } catch (InterruptedException e) {
            body.close();
            throw cancelled(url, model);
        } catch (IOException e) {
            body.close();
            throw failure(e, url, model, false);
        }
    }

    /**
     * The next line of a streamed body, which must come within timeout.seconds; {@code null} at its end.
     */
    String readLine(ResponseBody body, String model) throws IOException, InterruptedException {
        try {
            return body.readLine(System.nanoTime() + endpoint.timeout().toNanos());
        } catch (InterruptedException e) {
            body.close();
            throw cancelled(endpoint.chat(), model);
        } catch (IOException e) {
            body.close();
            throw failure(e, endpoint.chat(), model, true);
        }
    }

    private HttpRequest.Builder request(URI url, long deadline) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(remaining(deadline));
        ApiKey key = endpoint.key();
        if (key != ApiKey.NONE) {
            b.header("Authorization", "Bearer " + key.value());
        }
        return b;
    }

    /** @param release run once the body is closed ({@code null}: nothing), such as shutting down its own client */
    private ResponseBody exchange(HttpClient via, HttpRequest request, String model, long deadline, Runnable release)
            throws IOException, InterruptedException {
        URI url = request.uri();
        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> future =
                via.sendAsync(request, HttpResponse.BodyHandlers.ofPublisher());
        HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
        try {
            response = future.get(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timeout(url, model, false);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw cancelled(url, model);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), url, model, false);
        }
        int status = response.statusCode();
        boolean ok = status / 100 == 2;
        ResponseBody body = new ResponseBody(ok ? endpoint.maxResponseBytes() : ERROR_BODY_BYTES, release);
        response.body().subscribe(body);
        if (ok) {
            return body;
        }
        byte[] said;
        try (body) {
            said = body.readAll(Math.min(deadline, System.nanoTime() + ERROR_BODY_WAIT.toNanos()));
        } catch (InterruptedException e) {
            throw cancelled(url, model);
        } catch (IOException e) {
            said = new byte[0]; // no readable message: the status says enough
        }
        throw ApiException.of(status, said, url, model, endpoint);
    }

    /** The exception for a failed exchange, naming the URL and the configuration key to look at. */
    private IOException failure(Throwable t, URI url, String model, boolean streaming) {
        String what = model == null ? url.toString() : url + " (model '" + model + "')";
        String config = endpoint.configuration();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException a) {
                return a;
            }
            if (c instanceof ResponseBody.TooLarge) {
                return new IOException("the answer of " + what + " is larger than max.response.bytes ("
                        + endpoint.maxResponseBytes() + ") of " + config + "; it was refused, not cut: raise "
                        + "max.response.bytes, or ask for fewer tokens", t);
            }
            if (c instanceof HttpConnectTimeoutException) {
                return new IOException("cannot connect to " + what + " (base.url of " + config + "): no connection "
                        + "within " + min(CONNECT_TIMEOUT, endpoint.timeout()).toSeconds() + " s — is the host up "
                        + "and the port open? Correct base.url if it points elsewhere", t);
            }
            if (c instanceof HttpTimeoutException) {
                return timeout(url, model, streaming);
            }
            if (c instanceof ConnectException || c instanceof UnresolvedAddressException) {
                String why = c instanceof UnresolvedAddressException ? "the host name is unknown"
                        : "connection refused";
                return new IOException("cannot connect to " + what + " (base.url of " + config + "): " + why + " — "
                        + "start the model server there, or set base.url to where it listens", t);
            }
            if (c instanceof SSLException) {
                return new IOException("cannot talk TLS to " + what + " (base.url of " + config + "): "
                        + c.getMessage() + " — check the URL's scheme (http or https) and the server's certificate",
                        t);
            }
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new IOException("the exchange with " + what + " (base.url of " + config + ") failed: " + message
                + (streaming ? " — the server broke off its answer" : ""), t);
    }

    private IOException timeout(URI url, String model, boolean streaming) {
        String what = model == null ? url.toString() : url + " (model '" + model + "')";
        return new HttpTimeoutException((streaming ? "the server at " + what + " stopped in the middle of its answer: "
                + "nothing came for " : "no answer from " + what + " within ") + endpoint.timeout().toSeconds()
                + " s (timeout.seconds of " + endpoint.configuration() + "): raise timeout.seconds for a slow model, "
                + "ask for fewer tokens, or check the server");
    }

    private static InterruptedException cancelled(URI url, String model) {
        return new InterruptedException("the request to " + url + (model == null ? "" : " for model '" + model + "'")
                + " was cancelled (its thread was interrupted); the connection was closed");
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Aborts requests in flight and releases the client's threads. */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
