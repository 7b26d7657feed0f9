package aios.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointTest {

    @Test
    void theDefaultsAreALocalLlamaCppServer() {
        Endpoint e = new Settings().endpoint();
        assertEquals(URI.create("http://127.0.0.1:8080/v1/chat/completions"), e.chat());
        assertEquals(URI.create("http://127.0.0.1:8080/v1/models"), e.modelList());
        assertEquals(List.of(), e.models());
        assertSame(ApiKey.NONE, e.key());
        assertEquals(Duration.ofSeconds(300), e.timeout());
        assertEquals(-1, e.ranking());
        assertEquals("openai", e.name());
        assertTrue(e.stream());
    }

    @Test
    void aFactoryConfigurationNamesItsBackendAfterItself_unlessANameIsConfigured() {
        Settings s = new Settings();
        assertEquals("openai-ollama", Endpoint.of(s, "aios.llm.openai~ollama in /srv/conf/aios.llm.openai-ollama.cfg",
                variable -> null).name());
        assertEquals("openai", Endpoint.of(s, "aios.llm.openai.4d2c-11ef", variable -> null).name());
        s.name = "gpu-box";
        assertEquals("gpu-box", Endpoint.of(s, "aios.llm.openai~ollama", variable -> null).name());
    }

    @Test
    void aTrailingSlashIsDropped_andModelsFromAFileAreSplitAtCommas() {
        Endpoint e = new Settings().url(" https://api.openai.com/v1/ ").serving("gpt-4o-mini, gpt-4o", "o3").endpoint();
        assertEquals(URI.create("https://api.openai.com/v1/chat/completions"), e.chat());
        assertEquals(List.of("gpt-4o-mini", "gpt-4o", "o3"), e.models());
    }

    @Test
    void aBaseUrlThatIsNotOneIsRefusedSayingWhatToWrite() {
        String fix = ": write the API's base URL, such as http://127.0.0.1:8080/v1 (llama.cpp), http://127.0.0.1:11434/v1"
                + " (Ollama) or https://api.openai.com/v1";
        assertEquals("base.url 'localhost:8080' of aios.llm.openai is not an http or https URL with a host" + fix,
                assertThrows(IllegalArgumentException.class, () -> new Settings().url("localhost:8080").endpoint())
                        .getMessage());
        assertEquals("base.url 'http://127.0.0.1:8080/v1/chat/completions' of aios.llm.openai names the chat endpoint "
                + "itself; the backend adds /chat/completions" + fix, assertThrows(IllegalArgumentException.class,
                () -> new Settings().url("http://127.0.0.1:8080/v1/chat/completions").endpoint()).getMessage());
        assertEquals("timeout.seconds 0 of aios.llm.openai must be at least 1", assertThrows(
                IllegalArgumentException.class, () -> new Settings().timeout(0).endpoint()).getMessage());
    }

    @Test
    void theKeyComesFromTheConfigurationElseFromTheEnvironment_andNeverShowsInText() {
        Settings s = new Settings();
        Map<String, String> env = Map.of("OPENAI_API_KEY", "sk-from-env", "OTHER", "sk-other");
        Endpoint fromEnv = Endpoint.of(s, "aios.llm.openai", env::get);
        assertEquals("sk-from-env", fromEnv.key().value());
        assertEquals("a key from the environment variable OPENAI_API_KEY", fromEnv.key().toString());
        assertFalse(fromEnv.toString().contains("sk-from-env"), fromEnv.toString());

        s.apiKeyEnv = "OTHER";
        assertEquals("sk-other", Endpoint.of(s, "aios.llm.openai", env::get).key().value());
        s.apiKeyEnv = "";
        assertSame(ApiKey.NONE, Endpoint.of(s, "aios.llm.openai", env::get).key());

        Endpoint configured = Endpoint.of(s.key("sk-configured"), "aios.llm.openai~x", env::get);
        assertEquals("sk-configured", configured.key().value());
        assertEquals("a key from api.key of aios.llm.openai~x", configured.key().toString());
        assertFalse(configured.toString().contains("sk-configured"), configured.toString());
    }

    @Test
    void aKeyIsExposedOnlyOverPlainHttpToAnotherMachine() {
        assertFalse(new Settings().key("k").url("http://127.0.0.1:8080/v1").endpoint().keyExposed());
        assertFalse(new Settings().key("k").url("http://localhost:8080/v1").endpoint().keyExposed());
        assertFalse(new Settings().key("k").url("http://[::1]:8080/v1").endpoint().keyExposed());
        assertFalse(new Settings().key("k").url("https://api.openai.com/v1").endpoint().keyExposed());
        assertFalse(new Settings().url("http://gpu-box:8000/v1").endpoint().keyExposed()); // no key
        assertTrue(new Settings().key("k").url("http://gpu-box:8000/v1").endpoint().keyExposed());
        assertTrue(new Settings().key("k").url("http://10.0.0.7:8000/v1").endpoint().keyExposed());
    }
}
