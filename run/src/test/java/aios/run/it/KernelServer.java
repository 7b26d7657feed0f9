package aios.run.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The exported kernel ({@code target/aios.jar}) running as a server process, as {@code ./aios run} starts it without a
 * terminal, with its HTTP API on a free loopback port; and a client for it over real HTTP ({@code java.net.http}).
 */
final class KernelServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final Path work;
    final int port;
    final Process process;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer: status, the Content-Type and Retry-After headers, the body, and the body as JSON (or null). */
    record Answer(int status, String contentType, String retryAfter, String body, JsonNode json) {
        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /**
     * Starts the kernel on a fresh work directory, with {@code setup} run on it first (to write data/access/acl.txt or
     * conf/*.cfg), and waits until its HTTP API answers and the operator token file is there.
     */
    static KernelServer start(Setup setup) throws Exception {
        Path work = ScriptModeIT.newWorkDir();
        Files.createDirectories(work.resolve("data"));
        Files.createDirectories(work.resolve("conf"));
        Files.createDirectories(work.resolve("bundles"));
        setup.prepare(work);
        return new KernelServer(work, freePort());
    }

    interface Setup {
        void prepare(Path work) throws IOException;
    }

    private KernelServer(Path work, int port) throws Exception {
        this.work = work;
        this.port = port;
        List<String> command = ScriptModeIT.kernelJvm(work, true);
        command.add("-Dfelix.fileinstall.dir=" + work.resolve("bundles") + "," + work.resolve("conf"));
        command.add("-Dgosh.args=--nointeractive");
        command.add("-Dorg.osgi.service.http.port=" + port);
        command.add("-jar");
        command.add(System.getProperty(KernelOptions.AIOS_JAR));
        ProcessBuilder builder = new ProcessBuilder(command);
        if (System.getenv("AIOS_MODELS") == null) {
            builder.environment().put("AIOS_MODELS", Path.of("../../shared/models").toAbsolutePath().normalize()
                    .toString());
        }
        this.process = builder.directory(work.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(work.resolve("stdout").toFile()).redirectError(work.resolve("stderr").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("the kernel exited with " + process.exitValue() + "; stderr:\n" + stderr());
            }
            try {
                if (get("/status", null).status() == 200 && Files.exists(operatorTokenFile())) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new AssertionError("the kernel's HTTP API did not answer on port " + port + " within 60 s;"
                        + " stderr:\n" + stderr());
            }
            Thread.sleep(100);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Path operatorTokenFile() {
        return work.resolve("data").resolve("operator.token");
    }

    String operatorToken() throws IOException {
        return Files.readString(operatorTokenFile()).strip();
    }

    String stdout() throws IOException {
        return Files.readString(work.resolve("stdout"), StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(work.resolve("stderr"), StandardCharsets.UTF_8);
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    Answer get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, (byte[]) null);
    }

    Answer post(String path, String token, String body) throws IOException, InterruptedException {
        return send("POST", path, token, body);
    }

    Answer send(String method, String path, String token, String body) throws IOException, InterruptedException {
        return send(method, path, token, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** A request with the token in the Authorization header (none when null). */
    Answer send(String method, String path, String token, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            // not JSON: the test says so
        }
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Retry-After").orElse(null), r.body(), json);
    }

    /** A request with {@code authorization} as the Authorization header, as given. */
    Answer sendRaw(String method, String path, String authorization) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", authorization).build();
        HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = JSON.readTree(r.body());
        } catch (IOException e) {
            // not JSON: the test says so
        }
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("Retry-After").orElse(null), r.body(), json);
    }

    /** A new agent token, issued by the operator over HTTP. */
    String agentToken(String agent) throws IOException, InterruptedException {
        Answer a = post("/api/v1/tokens", operatorToken(), "{\"agent\": \"" + agent + "\"}");
        if (a.status() != 201) {
            throw new AssertionError("issuing a token for " + agent + ": " + a);
        }
        return a.json().get("token").asText();
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // SIGTERM: the kernel stops its framework
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
