package aios.agents.react;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(id = ReactAgent.PID, name = "AIOS ReAct agent",
        description = "The example agent 'react': which model plans, how many steps it may take, and how many notes of "
                + "earlier runs it recalls")
public @interface ReactConfig {

    @AttributeDefinition(name = "model", description = "The model that plans (llm:models lists them); empty: the "
            + "default backend's default model. It must follow instructions and answer with tool calls")
    String model() default "";

    @AttributeDefinition(name = "max.steps", description = "Most planning steps (LLM syscalls) before the agent gives "
            + "up without an answer", min = "1")
    int max_steps() default 8;

    @AttributeDefinition(name = "max.tokens", description = "Most tokens of each planning answer", min = "1")
    int max_tokens() default 512;

    @AttributeDefinition(name = "notes.recalled", description = "Notes of earlier runs retrieved from memory for the "
            + "task and shown to the model; 0: none", min = "0")
    int notes_recalled() default 3;
}
