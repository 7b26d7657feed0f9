package aios.agents.story;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = StoryWriter.PID, name = "AIOS story agent",
        description = "The example agent 'story': which model continues the story, how, and where the story is saved")
public @interface StoryConfig {

    @AttributeDefinition(name = "model", description = "The model to ask (llm:models lists them); empty: the default "
            + "backend's default model, which in the shipped kernel is the local engine's")
    String model() default "";

    @AttributeDefinition(name = "instruction", description = "A system message sent before the story's beginning, "
            + "for chat models (such as 'Continue the user's story for children'); empty: none, which suits a plain "
            + "text model such as stories260K (it would read the instruction as part of the story)")
    String instruction() default "";

    @AttributeDefinition(name = "max.tokens", description = "Most tokens of the continuation", min = "1")
    int max_tokens() default 256;

    @AttributeDefinition(name = "temperature", description = "Sampling temperature; 0 for greedy (the same story "
            + "every time)", min = "0")
    double temperature() default 0.8;

    @AttributeDefinition(name = "top.p", description = "Nucleus sampling mass, in (0, 1]", min = "0", max = "1")
    double top_p() default 0.95;

    @AttributeDefinition(name = "directory", description = "Directory of the agent's storage the stories are saved "
            + "in, one file per process")
    String directory() default "stories";
}
