package aios.llm.openai;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * One OpenAI-compatible endpoint ({@code aios.llm.openai}): where it is, which models it serves, the key, and limits.
 * One configuration of the PID is one endpoint; several are factory configurations of it
 * ({@code conf/aios.llm.openai-NAME.cfg}), each a backend of its own.
 */
@ObjectClassDefinition(id = OpenAiBackend.PID, name = "AIOS OpenAI-compatible model backend",
        description = "A model server speaking OpenAI's chat completions API (OpenAI, llama.cpp's llama-server, "
                + "Ollama's /v1, vLLM): each configuration is one endpoint, registered as an LLM backend")
public @interface OpenAiConfig {

    @AttributeDefinition(name = "base.url", description = "The API's base URL: requests go to {base.url}/chat/"
            + "completions and {base.url}/models. llama.cpp's llama-server: http://127.0.0.1:8080/v1; Ollama: "
            + "http://127.0.0.1:11434/v1; OpenAI: https://api.openai.com/v1")
    String base_url() default "http://127.0.0.1:8080/v1";

    @AttributeDefinition(name = "models", description = "The model names this endpoint serves, the first its "
            + "default; an LLM syscall naming one of them comes here. Empty: asked from the server (GET "
            + "{base.url}/models) when the backend starts, and while there are none again at most every 10 s",
            required = false)
    String[] models() default {};

    @AttributeDefinition(name = "api.key", type = AttributeType.PASSWORD, description = "The key sent as "
            + "'Authorization: Bearer KEY'; never logged. Empty: the environment variable named in api.key.env",
            required = false)
    String api_key() default "";

    @AttributeDefinition(name = "api.key.env", description = "The environment variable that holds the key when "
            + "api.key is empty; empty: none (no Authorization header is sent)", required = false)
    String api_key_env() default "OPENAI_API_KEY";

    @AttributeDefinition(name = "timeout.seconds", description = "How long the server may keep silent: for the whole "
            + "answer when it is not streamed; when streamed, until the answer begins and between two of its parts",
            min = "1")
    int timeout_seconds() default 300;

    @AttributeDefinition(name = "max.response.bytes", description = "The largest answer accepted, streamed or not; "
            + "a larger one is refused (the call fails), not cut", min = "1")
    int max_response_bytes() default 8 * 1024 * 1024;

    @AttributeDefinition(name = "stream", description = "Stream answers (stream: true): the kernel then runs a "
            + "generation in steps it can preempt, cancel and stop at an agent's token limit. false: one request, "
            + "one answer (for servers that stream badly)")
    boolean stream() default true;

    @AttributeDefinition(name = "max.tokens.parameter", description = "The request field that carries the token "
            + "limit: max_tokens (llama.cpp, Ollama, vLLM, OpenAI's older models) or max_completion_tokens (OpenAI's "
            + "reasoning models, which refuse max_tokens)",
            options = {@Option(value = "max_tokens"), @Option(value = "max_completion_tokens")})
    String max_tokens_parameter() default "max_tokens";

    @AttributeDefinition(name = "name", description = "The backend's name (service property aios.llm.name); empty: "
            + "openai, or openai-NAME for the factory configuration NAME (conf/aios.llm.openai-NAME.cfg)",
            required = false)
    String name() default "";

    @AttributeDefinition(name = "service.ranking", description = "The backend's ranking: an LLM syscall that names "
            + "no model goes to the highest-ranked backend. The default, -1, leaves that to llm.local (0); 1 makes "
            + "this endpoint the default")
    int service_ranking() default -1;
}
