package aios.llm.openai;

import java.util.function.UnaryOperator;

/**
 * A bearer key and where it came from. Its {@link #toString()} names the source, never the key, so that it cannot end
 * up in a log or a message by accident.
 *
 * @param value the key
 * @param source where it came from, such as {@code the environment variable OPENAI_API_KEY}
 */
record ApiKey(String value, String source) {

    /** No key: no Authorization header is sent. */
    static final ApiKey NONE = new ApiKey("", "nowhere");

    /** The configured key, else the environment variable's, else {@link #NONE}. */
    static ApiKey of(String configured, String configuration, String envName, UnaryOperator<String> env) {
        if (configured != null && !configured.isBlank()) {
            return new ApiKey(configured.strip(), "api.key of " + configuration);
        }
        if (envName != null && !envName.isBlank()) {
            String fromEnv = env.apply(envName.strip());
            if (fromEnv != null && !fromEnv.isBlank()) {
                return new ApiKey(fromEnv.strip(), "the environment variable " + envName.strip());
            }
        }
        return NONE;
    }

    @Override
    public String toString() {
        return this == NONE ? "no key" : "a key from " + source;
    }
}
