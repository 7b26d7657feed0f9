package aios.llm.openai;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The settings of one endpoint, checked: a configuration of {@code aios.llm.openai} as the backend uses it.
 *
 * @param configuration the configuration's PID (and file, when FileInstall read it from one), for messages
 * @param name the backend's name ({@code aios.llm.name})
 * @param base the base URL, without a trailing slash
 * @param models the configured model names, the default first; empty: ask the server
 * @param key the key to send, or {@link ApiKey#NONE}
 * @param keyEnv the environment variable consulted for the key ("" for none), for messages
 * @param timeout how long the server may keep silent
 * @param maxResponseBytes the largest answer accepted
 * @param stream whether answers are streamed
 * @param maxTokensParameter the request field of the token limit
 * @param ranking the service ranking
 */
record Endpoint(String configuration, String name, URI base, List<String> models, ApiKey key, String keyEnv,
                Duration timeout, int maxResponseBytes, boolean stream, String maxTokensParameter, int ranking) {

    static final Set<String> MAX_TOKENS_PARAMETERS = Set.of("max_tokens", "max_completion_tokens");

    Endpoint {
        models = List.copyOf(models);
    }

    /**
     * Checks a configuration.
     *
     * @param configuration how messages name it: its PID, and its file when there is one
     * @param env the environment (variable name to value, {@code null} when unset)
     * @throws IllegalArgumentException naming the key, the value and what to write instead
     */
    static Endpoint of(OpenAiConfig c, String configuration, UnaryOperator<String> env) {
        URI base = baseUrl(c.base_url(), configuration);
        List<String> models = new ArrayList<>();
        for (String m : c.models() == null ? new String[0] : c.models()) {
            // FileInstall's .cfg files give one string; a comma-separated list reads as the names it lists
            for (String part : m.split(",")) {
                if (!part.isBlank()) {
                    models.add(part.strip());
                }
            }
        }
        if (c.timeout_seconds() < 1) {
            throw new IllegalArgumentException("timeout.seconds " + c.timeout_seconds() + " of " + configuration
                    + " must be at least 1");
        }
        if (c.max_response_bytes() < 1) {
            throw new IllegalArgumentException("max.response.bytes " + c.max_response_bytes() + " of " + configuration
                    + " must be at least 1");
        }
        String maxTokens = c.max_tokens_parameter() == null ? "" : c.max_tokens_parameter().strip();
        if (!MAX_TOKENS_PARAMETERS.contains(maxTokens)) {
            throw new IllegalArgumentException("max.tokens.parameter '" + maxTokens + "' of " + configuration
                    + " is neither max_tokens nor max_completion_tokens");
        }
        String name = nameOf(c, configuration);
        String keyEnv = c.api_key_env() == null ? "" : c.api_key_env().strip();
        return new Endpoint(configuration, name, base, models, ApiKey.of(c.api_key(), configuration, keyEnv, env),
                keyEnv, Duration.ofSeconds(c.timeout_seconds()), c.max_response_bytes(), c.stream(), maxTokens,
                c.service_ranking());
    }

    /**
     * The backend's name: the configured one, else {@code openai}, or {@code openai-NAME} for a factory configuration
     * whose PID is {@code aios.llm.openai~NAME} (as FileInstall makes of {@code aios.llm.openai-NAME.cfg}).
     */
    static String nameOf(OpenAiConfig c, String configuration) {
        if (c.name() != null && !c.name().isBlank()) {
            return c.name().strip();
        }
        String pid = configuration.split(" ", 2)[0];
        int tilde = pid.indexOf('~');
        return tilde < 0 ? "openai" : "openai-" + pid.substring(tilde + 1);
    }

    private static URI baseUrl(String text, String configuration) {
        String url = text == null ? "" : text.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        String fix = ": write the API's base URL, such as http://127.0.0.1:8080/v1 (llama.cpp), "
                + "http://127.0.0.1:11434/v1 (Ollama) or https://api.openai.com/v1";
        String notHttp = "base.url '" + text + "' of " + configuration + " is not an http or https URL with a host" + fix;
        if (!url.contains("://")) {
            throw new IllegalArgumentException(notHttp); // such as 127.0.0.1:8080, which a URI reads as a scheme
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("base.url '" + text + "' of " + configuration + " is not a URL ("
                    + e.getReason() + ")" + fix);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException(notHttp);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("base.url '" + text + "' of " + configuration + " must not carry a "
                    + "query, a fragment or credentials (the key goes in api.key)" + fix);
        }
        if (url.endsWith("/chat/completions")) {
            throw new IllegalArgumentException("base.url '" + text + "' of " + configuration + " names the chat "
                    + "endpoint itself; the backend adds /chat/completions" + fix);
        }
        return uri;
    }

    /** Where chat completions are posted. */
    URI chat() {
        return URI.create(base + "/chat/completions");
    }

    /** Where the model list is read. */
    URI modelList() {
        return URI.create(base + "/models");
    }

    /**
     * Whether a key would travel unencrypted to another machine: plain http to a host that is not this one (names are
     * not resolved; {@code localhost} and literal loopback addresses count as this machine).
     */
    boolean keyExposed() {
        if (key == ApiKey.NONE || base.getScheme().equalsIgnoreCase("https")) {
            return false;
        }
        String host = base.getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return false;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return true; // a host name: it may be anywhere
        }
        try {
            return !InetAddress.getByName(literal).isLoopbackAddress(); // a literal: parsed, not looked up
        } catch (java.net.UnknownHostException e) {
            return true;
        }
    }

    /** What to do when the server refuses the key, naming where it came from. */
    String keyAdvice() {
        String where = "set api.key in " + configuration + (keyEnv.isEmpty() ? ""
                : ", or the environment variable " + keyEnv + " (api.key.env) of the kernel's process");
        return key == ApiKey.NONE ? "no key was sent: " + where : "the key sent came from " + key.source() + ": check "
                + "it, or " + where;
    }
}
