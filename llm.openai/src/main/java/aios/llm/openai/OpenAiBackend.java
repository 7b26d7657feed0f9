package aios.llm.openai;

import aios.kernel.api.llm.Generation;
import aios.kernel.api.llm.LlmBackend;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.annotations.Designate;

/**
 * An LLM backend for one OpenAI-compatible endpoint: each LLM syscall is a {@code POST {base.url}/chat/completions}.
 * One instance per configuration of {@code aios.llm.openai} (the PID itself, or each factory configuration of it), and
 * none without one: an unconfigured bundle takes no query from anyone.
 *
 * <p>Streamed ({@code stream}, the default), {@link #start} returns a generation the kernel steps, preempts and cancels
 * between chunks; otherwise it returns {@code null} and the kernel calls {@link #complete}, one request for the whole
 * answer. Either way an interrupted worker aborts its HTTP request.
 *
 * <p>Registered by hand rather than by DS, so that its service properties are only {@code aios.llm.name},
 * {@code service.ranking} and {@code aios.llm.openai.url}: DS would publish every configuration property, the key
 * among them, for any bundle to read. A configuration that cannot be used (a {@code base.url} that is no URL, say)
 * still registers the backend, with no models; every call to it then fails with what to correct, as the log says
 * too.
 *
 * <p>Thread-safe: calls are independent requests.
 */
@Component(configurationPid = OpenAiBackend.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = OpenAiConfig.class, factory = true)
public final class OpenAiBackend implements LlmBackend {

    static final String PID = "aios.llm.openai";
    /** Service property: the endpoint's base URL. */
    static final String URL = "aios.llm.openai.url";
    /** While no model is known, the server is asked again at most this often. */
    private static final long DISCOVERY_RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Reference(service = LoggerFactory.class, cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC)
    volatile Logger log;

    private String configuration = PID;
    private String name = "openai";
    private int ranking = -1;
    /** Why this configuration cannot be used; {@code null} when it can. */
    private String problem;
    private Endpoint endpoint;
    private ApiClient client;
    private ServiceRegistration<?> registration;

    /** The models served: configured, else discovered; empty until known. */
    private volatile List<String> models = List.of();
    private volatile String discoveryFailure;
    private long lastDiscovery;
    private boolean discovering;
    private volatile boolean closed;

    public OpenAiBackend() {
    }

    /** A backend for these settings, not registered (tests). */
    static OpenAiBackend of(Endpoint endpoint) {
        OpenAiBackend b = new OpenAiBackend();
        b.use(endpoint);
        return b;
    }

    @Activate
    void activate(BundleContext context, OpenAiConfig config, Map<String, Object> properties) {
        configure(config, describe(properties), System::getenv);
        Logger l = log;
        if (problem != null) {
            if (l != null) {
                l.error("{}; until it is corrected every LLM syscall to this backend fails with this message", problem);
            }
        } else if (l != null) {
            l.info("OpenAI-compatible backend '{}' ({}) at {}: models {}, {}, ranking {}", name, configuration,
                    endpoint.base(), endpoint.models().isEmpty() ? "asked from the server" : endpoint.models(),
                    endpoint.key(), ranking);
            if (endpoint.keyExposed()) {
                l.warn("{} sends its API key over plain http to {}, which is not this machine: anyone on the way can "
                        + "read it; use https", configuration, endpoint.base().getHost());
            }
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(LlmBackend.NAME, name);
        props.put(Constants.SERVICE_RANKING, ranking);
        props.put(URL, endpoint == null ? String.valueOf(config.base_url()) : endpoint.base().toString());
        props.put(Constants.SERVICE_DESCRIPTION, "OpenAI-compatible chat API (" + configuration + ")");
        registration = context.registerService(new String[] {LlmBackend.class.getName(), OpenAiBackend.class.getName()},
                this, props);
    }

    /** Reads the configuration; one that cannot be used leaves {@link #problem} saying why. */
    void configure(OpenAiConfig config, String configuration, UnaryOperator<String> env) {
        this.configuration = configuration;
        this.name = Endpoint.nameOf(config, configuration);
        this.ranking = config.service_ranking();
        try {
            use(Endpoint.of(config, configuration, env));
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
    }

    private void use(Endpoint e) {
        endpoint = e;
        configuration = e.configuration();
        name = e.name();
        ranking = e.ranking();
        client = new ApiClient(e);
        models = e.models();
        if (models.isEmpty()) {
            discoverInBackground();
        }
    }

    /** How messages name a configuration: its PID, and the file FileInstall read it from. */
    static String describe(Map<String, Object> properties) {
        Object pid = properties.get(Constants.SERVICE_PID);
        Object file = properties.get("felix.fileinstall.filename");
        String p = pid == null ? PID : pid.toString();
        return file == null ? p : p + " in " + file.toString().replaceFirst("^file:", "");
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        close();
    }

    /** Aborts the requests in flight. */
    void close() {
        closed = true;
        if (client != null) {
            client.close();
        }
    }

    @Override
    public List<String> models() {
        List<String> m = models;
        if (m.isEmpty() && endpoint != null) {
            discoverInBackground(); // cheap: at most one look every 10 s
        }
        return m;
    }

    /** The backend's name ({@code aios.llm.name}). */
    String name() {
        return name;
    }

    /** How messages name its configuration. */
    String configuration() {
        return configuration;
    }

    int ranking() {
        return ranking;
    }

    /** The settings, or {@code null} when the configuration cannot be used ({@link #problem()} says why). */
    Endpoint endpoint() {
        return endpoint;
    }

    String problem() {
        return problem;
    }

    /** Why {@link #models()} is empty, or {@code null}. */
    String whyNoModel() {
        if (problem != null) {
            return problem;
        }
        if (!models.isEmpty()) {
            return null;
        }
        String failure = discoveryFailure;
        return "the server at " + endpoint.base() + " has not listed its models" + (failure == null
                ? " yet" : ": " + failure) + "; list them as models in " + configuration + " (the first is the default)";
    }

    private void discoverInBackground() {
        long now = System.nanoTime();
        synchronized (this) {
            if (discovering || lastDiscovery != 0 && now - lastDiscovery < DISCOVERY_RETRY_NANOS) {
                return;
            }
            discovering = true;
            lastDiscovery = now;
        }
        Thread.ofVirtual().name("aios.llm.openai models of " + configuration).start(() -> {
            try {
                discover();
            } catch (InterruptedException e) {
                discoveryFailure = "asking it was interrupted (the backend stopped)";
            } finally {
                synchronized (this) {
                    discovering = false;
                }
            }
        });
    }

    /** Asks the server for its models; keeps them, or why it could not. */
    private void discover() throws InterruptedException {
        try {
            List<String> found = client.models();
            if (found.isEmpty()) {
                discoveryFailure = "its list (GET " + endpoint.modelList() + ") is empty";
            } else {
                models = found;
                discoveryFailure = null;
                Logger l = log;
                if (l != null) {
                    l.info("{} serves models {} (GET {})", configuration, found, endpoint.modelList());
                }
            }
        } catch (IOException e) {
            discoveryFailure = e.getMessage();
            Logger l = log;
            if (l != null && !closed) { // a stopping backend aborts its own request: nothing to warn about
                l.warn("cannot read the models of {}: {}", configuration, e.getMessage());
            }
        }
    }

    /**
     * {@inheritDoc} One request without streaming; blocks until the whole answer has come (at most
     * {@code timeout.seconds}), and aborts the request when the thread is interrupted.
     */
    @Override
    public LlmResult complete(LlmQuery query) throws Exception {
        ApiClient c = client();
        String model = model(query);
        long deadline = System.nanoTime() + endpoint.timeout().toNanos();
        try (ResponseBody body = c.post(ChatRequest.of(query, model, false, endpoint.maxTokensParameter()), model,
                false, deadline)) {
            byte[] answer = c.readAll(body, endpoint.chat(), model, deadline);
            try {
                return ChatAnswer.of(ChatRequest.JSON.readTree(answer), model, endpoint.chat());
            } catch (JsonProcessingException e) {
                throw new IOException("the answer of " + endpoint.chat() + " for model '" + model + "' is not JSON ("
                        + e.getOriginalMessage() + "): " + ApiException.abbreviate(new String(answer,
                        java.nio.charset.StandardCharsets.UTF_8)) + "; is base.url of " + configuration
                        + " the API's base URL?");
            }
        }
    }

    /**
     * {@inheritDoc} Streamed: sends the request and returns once the answer begins; {@code null} when
     * {@code stream} is off.
     */
    @Override
    public Generation start(LlmQuery query) throws Exception {
        ApiClient c = client();
        if (!endpoint.stream()) {
            return null;
        }
        String model = model(query);
        long deadline = System.nanoTime() + endpoint.timeout().toNanos();
        ResponseBody body = c.post(ChatRequest.of(query, model, true, endpoint.maxTokensParameter()), model, true,
                deadline);
        return new StreamedGeneration(c, body, model);
    }

    private ApiClient client() {
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return client;
    }

    /** The model to ask: the query's, else the default (asking the server for its list if none is known yet). */
    private String model(LlmQuery query) throws InterruptedException {
        List<String> m = models;
        if (query.model() != null) {
            if (!m.isEmpty() && !m.contains(query.model())) {
                throw new IllegalArgumentException("backend '" + name + "' (" + configuration + ") does not serve model '"
                        + query.model() + "'; it serves " + String.join(", ", m));
            }
            return query.model();
        }
        if (m.isEmpty()) {
            discover();
            m = models;
        }
        if (m.isEmpty()) {
            throw new IllegalStateException("backend '" + name + "' (" + configuration + ") knows no model to use as "
                    + "its default: " + whyNoModel());
        }
        return m.get(0);
    }
}
