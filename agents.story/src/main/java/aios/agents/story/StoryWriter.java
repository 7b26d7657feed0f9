package aios.agents.story;

import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.sdk.Agent;
import aios.sdk.AgentSession;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The agent {@code story}: asks the model to continue the beginning of a story given as input, saves the story (the
 * beginning and its continuation) as {@code stories/YYYYMMDD-HHMMSS-pID.txt} in its storage, and returns it. Two
 * syscalls: one LLM chat, one storage write.
 */
@Component(service = Agent.class, configurationPid = StoryWriter.PID)
@Designate(ocd = StoryConfig.class)
public final class StoryWriter implements Agent {

    static final String PID = "aios.agents.story";
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Clock clock;
    private volatile StoryConfig config;

    @Activate
    public StoryWriter(StoryConfig config) {
        this(config, Clock.systemUTC());
    }

    StoryWriter(StoryConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    @Modified
    void modified(StoryConfig config) {
        this.config = config;
    }

    @Override
    public String name() {
        return "story";
    }

    @Override
    public String description() {
        return "continues the beginning of a story given as input on the local model, saves the story in its storage"
                + " (stories/) and returns it";
    }

    @Override
    public String run(AgentSession session, String input) {
        StoryConfig c = config;
        String beginning = input.strip();
        if (beginning.isEmpty()) {
            throw new IllegalArgumentException("the story agent needs the beginning of a story as input, such as: "
                    + "aios:run story Once upon a time");
        }
        List<Message> messages = new ArrayList<>();
        if (!c.instruction().isBlank()) {
            messages.add(Message.system(c.instruction()));
        }
        messages.add(Message.user(beginning));
        LlmResult continuation = session.planning().withModel(c.model())
                .withSampling(new Sampling(c.max_tokens(), c.temperature(), c.top_p(), null))
                .complete(messages);
        String story = join(beginning, continuation.text());
        String path = directory(c) + FILE_TIME.format(clock.instant()) + "-p" + session.processId() + ".txt";
        session.storage().write(path, story);
        return story;
    }

    /** The beginning and its continuation as one text: a space between them unless the continuation brings its own. */
    static String join(String beginning, String continuation) {
        String rest = continuation.stripTrailing();
        if (rest.isEmpty()) {
            return beginning;
        }
        char first = rest.charAt(0);
        boolean glued = Character.isWhitespace(first) || ",.;:!?'’\")".indexOf(first) >= 0;
        return glued ? beginning + rest : beginning + " " + rest;
    }

    private static String directory(StoryConfig c) {
        String d = c.directory().strip();
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d.isEmpty() ? "" : d + "/";
    }
}
