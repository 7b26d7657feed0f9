package aios.llm.openai;

import java.lang.annotation.Annotation;

/** An {@link OpenAiConfig} with its defaults, changed one key at a time (as a configuration file would). */
final class Settings implements OpenAiConfig {

    String baseUrl = "http://127.0.0.1:8080/v1";
    String[] models = {};
    String apiKey = "";
    String apiKeyEnv = "OPENAI_API_KEY";
    int timeoutSeconds = 300;
    int maxResponseBytes = 8 * 1024 * 1024;
    boolean stream = true;
    String maxTokensParameter = "max_tokens";
    String name = "";
    int ranking = -1;

    Settings url(String url) {
        baseUrl = url;
        return this;
    }

    Settings serving(String... names) {
        models = names;
        return this;
    }

    Settings key(String key) {
        apiKey = key;
        return this;
    }

    Settings timeout(int seconds) {
        timeoutSeconds = seconds;
        return this;
    }

    Settings maxBytes(int bytes) {
        maxResponseBytes = bytes;
        return this;
    }

    Settings stream(boolean on) {
        stream = on;
        return this;
    }

    /** The endpoint of these settings, as configuration {@code aios.llm.openai}, with an empty environment. */
    Endpoint endpoint() {
        return Endpoint.of(this, "aios.llm.openai", variable -> null);
    }

    @Override public String base_url() { return baseUrl; }
    @Override public String[] models() { return models; }
    @Override public String api_key() { return apiKey; }
    @Override public String api_key_env() { return apiKeyEnv; }
    @Override public int timeout_seconds() { return timeoutSeconds; }
    @Override public int max_response_bytes() { return maxResponseBytes; }
    @Override public boolean stream() { return stream; }
    @Override public String max_tokens_parameter() { return maxTokensParameter; }
    @Override public String name() { return name; }
    @Override public int service_ranking() { return ranking; }
    @Override public Class<? extends Annotation> annotationType() { return OpenAiConfig.class; }
}
