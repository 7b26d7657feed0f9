package aios.tool.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.tool.ToolInvocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP tools against a real server on the loopback interface. */
class HttpToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private String base;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hello", x -> reply(x, 200, "text/plain; charset=utf-8", "héllo"));
        server.createContext("/echo", x -> reply(x, 201, "application/json",
                new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + " as "
                        + x.getRequestHeaders().getFirst("Content-Type") + " " + x.getRequestHeaders().getFirst("X-Test")));
        server.createContext("/big", x -> reply(x, 200, "text/plain", "x".repeat(5000)));
        server.createContext("/chunked", x -> {
            x.sendResponseHeaders(200, 0); // chunked: the size is not announced
            try (OutputStream out = x.getResponseBody()) {
                for (int i = 0; i < 50; i++) {
                    out.write("y".repeat(200).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        });
        server.createContext("/slow", x -> {
            try {
                never.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(x, 200, "text/plain", "late");
        });
        server.createContext("/away", x -> redirect(x, 302, "http://elsewhere.invalid/secret"));
        server.createContext("/home", x -> redirect(x, 307, "/hello"));
        server.createContext("/see-other", x -> redirect(x, 303, "/echo"));
        server.createContext("/loop", x -> redirect(x, 302, "/loop"));
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        never.countDown();
        server.stop(0);
    }

    private void reply(HttpExchange x, int status, String type, String body) throws IOException {
        requests.add(x.getRequestMethod() + " " + x.getRequestURI());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().add("Content-Type", type);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void redirect(HttpExchange x, int status, String location) throws IOException {
        requests.add(x.getRequestMethod() + " " + x.getRequestURI());
        x.getResponseHeaders().add("Location", location);
        x.sendResponseHeaders(status, -1);
        x.close();
    }

    private static GuardedHttp.Settings settings(int responseMax, long timeoutMs, String... hosts) {
        return new GuardedHttp.Settings(new HostAllowlist(hosts.length == 0 ? new String[] {"127.0.0.1", "::1",
                "localhost"} : hosts), 1000, responseMax, Duration.ofMillis(timeoutMs), 3, 2);
    }

    private static JsonNode call(HttpTool tool, String arguments) throws Exception {
        return JSON.readTree(tool.invoke(new ToolInvocation("alice", "1", arguments)));
    }

    @Test
    void getReadsAnAllowedHost_andPostSendsItsBody() throws Exception {
        try (HttpGet get = new HttpGet(settings(100_000, 5000)); HttpPost post = new HttpPost(settings(100_000, 5000))) {
            JsonNode r = call(get, "{\"url\": \"" + base + "/hello\"}");
            assertEquals(200, r.get("status").asInt());
            assertEquals("héllo", r.get("body").asText());
            assertEquals("text/plain; charset=utf-8", r.get("content_type").asText());

            JsonNode p = call(post, "{\"url\": \"" + base + "/echo\", \"body\": \"{\\\"a\\\":1}\", \"headers\":"
                    + " {\"X-Test\": \"yes\"}}");
            assertEquals(201, p.get("status").asInt());
            assertEquals("{\"a\":1} as application/json yes", p.get("body").asText());
            assertTrue(get.reversible());
            assertFalse(post.reversible(), "a POST cannot be undone");
        }
    }

    @Test
    void aHostOffTheAllowlist_isRefusedWithoutConnecting() throws Exception {
        try (HttpGet get = new HttpGet(settings(100_000, 5000))) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> call(get, "{\"url\": \"http://example.invalid/x\"}"));
            assertEquals("http_get: host 'example.invalid' is not on the allowlist (hosts of aios.tool.http: 127.0.0.1,"
                    + " ::1, localhost): an operator can add it to the hosts of aios.tool.http", e.getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class, () -> call(get, "{\"url\": \"file:///etc/passwd\"}"))
                    .getMessage().contains("is not an http or https URL"));
            assertTrue(assertThrows(IllegalArgumentException.class, () -> call(get, "{\"url\": \"http://u:p@127.0.0.1:"
                    + server.getAddress().getPort() + "/hello\"}")).getMessage().contains("carries credentials"));
        }
        try (HttpGet onlyOther = new HttpGet(settings(100_000, 5000, "*.example.org"))) {
            assertThrows(IllegalArgumentException.class, () -> call(onlyOther, "{\"url\": \"" + base + "/hello\"}"));
        }
        assertEquals(List.of(), requests, "nothing reached the server");
    }

    @Test
    void redirectsAreFollowedOnlyToAllowedHosts_andOnlySoOften() throws Exception {
        try (HttpGet get = new HttpGet(settings(100_000, 5000)); HttpPost post = new HttpPost(settings(100_000, 5000))) {
            JsonNode home = call(get, "{\"url\": \"" + base + "/home\"}");
            assertEquals("héllo", home.get("body").asText());
            assertEquals(base + "/hello", home.get("url").asText());

            var away = assertThrows(IllegalArgumentException.class, () -> call(get, "{\"url\": \"" + base + "/away\"}"));
            assertTrue(away.getMessage().contains("redirected to http://elsewhere.invalid/secret, whose host"
                    + " 'elsewhere.invalid' is not on the allowlist"), away.getMessage());
            assertTrue(away.getMessage().contains("the redirect was not followed"), away.getMessage());

            var loop = assertThrows(IllegalArgumentException.class, () -> call(get, "{\"url\": \"" + base + "/loop\"}"));
            assertTrue(loop.getMessage().contains("redirected more than redirects.max (3) times"), loop.getMessage());

            requests.clear();
            JsonNode seeOther = call(post, "{\"url\": \"" + base + "/see-other\", \"body\": \"x\"}");
            assertEquals(List.of("POST /see-other", "GET /echo"), requests, "303 turns the POST into a GET");
            assertEquals(201, seeOther.get("status").asInt());
        }
    }

    @Test
    void aResponseOverTheLimitIsRefused_announcedOrNot() throws Exception {
        try (HttpGet get = new HttpGet(settings(1000, 5000))) {
            var announced = assertThrows(IOException.class, () -> call(get, "{\"url\": \"" + base + "/big\"}"));
            assertEquals("http_get: the response of " + base + "/big has 5000 bytes, more than response.max.bytes (1000)"
                    + " of aios.tool.http; it was refused: ask for less, or an operator can raise the limit",
                    announced.getMessage());
            var chunked = assertThrows(IOException.class, () -> call(get, "{\"url\": \"" + base + "/chunked\"}"));
            assertTrue(chunked.getMessage().contains("/chunked is larger than response.max.bytes (1000) of"
                    + " aios.tool.http; it was refused"), chunked.getMessage());
        }
    }

    @Test
    void aRequestOverTheLimitIsNotSent() throws Exception {
        try (HttpPost post = new HttpPost(settings(1000, 5000))) {
            var e = assertThrows(IllegalArgumentException.class, () -> call(post, "{\"url\": \"" + base
                    + "/echo\", \"body\": \"" + "z".repeat(1001) + "\"}"));
            assertEquals("http_post: the request body has 1001 bytes, more than request.max.bytes (1000) of"
                    + " aios.tool.http: send less", e.getMessage());
        }
        assertEquals(List.of(), requests);
    }

    @Test
    void aSlowServerIsGivenUpOnAtTheTimeout() throws Exception {
        try (HttpGet get = new HttpGet(settings(1000, 300))) {
            long t0 = System.nanoTime();
            var e = assertThrows(IOException.class, () -> call(get, "{\"url\": \"" + base + "/slow\"}"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals("no complete response from " + base + "/slow within 300 ms (timeout.ms of aios.tool.http)",
                    e.getMessage());
            assertTrue(ms < 2000, "gave up after " + ms + " ms");
            assertEquals(Duration.ofMillis(1300), get.timeout());
        }
    }

    @Test
    void anUnreachablePortSaysSo() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (HttpGet get = new HttpGet(settings(1000, 2000))) {
            var e = assertThrows(IOException.class, () -> call(get, "{\"url\": \"http://127.0.0.1:" + port + "/\"}"));
            assertTrue(e.getMessage().startsWith("http_get: cannot get http://127.0.0.1:" + port + "/: "), e.getMessage());
        }
    }

    @Test
    void anInvalidConfiguration_isLoggedAndTheDefaultsApply() {
        HttpConfig bad = new HttpConfig() {
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return HttpConfig.class;
            }

            public String[] hosts() {
                return new String[] {"example.org, not a host"};
            }

            public int request_max_bytes() {
                return 10;
            }

            public int response_max_bytes() {
                return 10;
            }

            public long timeout_ms() {
                return 1;
            }

            public int redirects_max() {
                return 0;
            }

            public int parallelism() {
                return 1;
            }
        };
        List<String> logged = new CopyOnWriteArrayList<>();
        org.osgi.service.log.Logger log = (org.osgi.service.log.Logger) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.osgi.service.log.Logger.class}, (p, m, a) -> {
                    logged.add(m.getName() + ": " + a[0] + " " + a[1]);
                    return null;
                });
        assertEquals(GuardedHttp.Settings.DEFAULTS, HttpTool.settings(bad, log));
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("error: {}; the HTTP tools run on their defaults"), logged.get(0));
        assertTrue(logged.get(0).contains("hosts entry 'not a host' is not a host name or an IP address"), logged.get(0));
    }

    @Test
    void theAllowlistComparesNamesAsWrittenAndAddressesCanonically() {
        HostAllowlist hosts = new HostAllowlist("127.0.0.1, ::1", "localhost", "*.example.org");
        assertTrue(hosts.allows("127.0.0.1"));
        assertTrue(hosts.allows("[0:0:0:0:0:0:0:1]"));
        assertTrue(hosts.allows("[::1]"));
        assertTrue(hosts.allows("LOCALHOST"));
        assertTrue(hosts.allows("api.example.org"));
        assertFalse(hosts.allows("example.org"), "*.example.org is its subdomains");
        assertFalse(hosts.allows("evilexample.org"));
        assertFalse(hosts.allows("127.0.0.2"));
        assertFalse(hosts.allows("localhost.evil.com"));
        assertFalse(hosts.allows(null));
        assertFalse(hosts.allows("999.1.1.1"));
        assertThrows(IllegalArgumentException.class, () -> new HostAllowlist("not a host"));
    }
}
