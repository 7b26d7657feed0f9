package aios.llm.openai;

import aios.text.TextTable;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@code openai:models}: the configured OpenAI-compatible endpoints, their models, or why they have none. */
@Component(service = OpenAiCommands.class, property = {"osgi.command.scope=openai", "osgi.command.function=models"})
public final class OpenAiCommands {

    private final List<OpenAiBackend> backends = new CopyOnWriteArrayList<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "remove")
    void add(OpenAiBackend backend) {
        backends.add(backend);
    }

    void remove(OpenAiBackend backend) {
        backends.remove(backend);
    }

    @Descriptor("list the OpenAI-compatible endpoints (configurations of aios.llm.openai): name, ranking, URL, where "
            + "the key comes from (never the key), the models served (the first is the default), or why there are none")
    public String models() {
        if (backends.isEmpty()) {
            return "no OpenAI-compatible endpoint is configured: write conf/aios.llm.openai.cfg with base.url (and "
                    + "models), or one conf/aios.llm.openai-NAME.cfg per endpoint\n";
        }
        TextTable t = new TextTable("NAME", "RANKING", "URL", "KEY", "STREAM", "MODELS");
        StringBuilder problems = new StringBuilder();
        for (OpenAiBackend b : backends.stream().sorted(Comparator.comparing(OpenAiBackend::configuration)).toList()) {
            Endpoint e = b.endpoint();
            List<String> models = b.models();
            String why = b.whyNoModel();
            t.row(b.name(), b.ranking(), e == null ? "-" : e.base(), e == null ? "-" : e.key(),
                    e == null ? "-" : e.stream() ? "yes" : "no", models.isEmpty() ? "none" : String.join(", ", models));
            if (why != null) {
                problems.append(b.name()).append(": ").append(why).append('\n');
            }
        }
        return t + problems.toString();
    }
}
