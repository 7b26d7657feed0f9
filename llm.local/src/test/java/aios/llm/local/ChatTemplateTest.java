package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.Message;
import aios.llm.local.ChatTemplate.Format;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chat templates of known models (their text from the models' GGUF metadata) recognised and rendered. */
class ChatTemplateTest {

    static final List<Message> CHAT = List.of(Message.system("You are a helpful assistant"), Message.user("Hello"),
            Message.assistant("Hi there"), Message.user("Who are you"));

    static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
            + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

    /** meta-llama/Llama-2-7b-chat-hf. */
    static final String LLAMA_2_CHAT = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
            + "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
            + "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
            + "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles "
            + "must alternate user/assistant/user/assistant/...') }}{% endif %}{% if loop.index0 == 0 and "
            + "system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + "
            + "message['content'] %}{% else %}{% set content = message['content'] %}{% endif %}"
            + "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
            + "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}"
            + "{% endfor %}";

    /** mistralai/Mistral-7B-Instruct-v0.2. */
    static final String MISTRAL_INSTRUCT = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == "
            + "'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
            + "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}"
            + "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
            + "{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant roles are "
            + "supported!') }}{% endif %}{% endfor %}";

    /** meta-llama/Meta-Llama-3-8B-Instruct. */
    static final String LLAMA_3 = "{% set loop_messages = messages %}{% for message in loop_messages %}"
            + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ "
            + "message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + "
            + "content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

    /** google/gemma-7b-it. */
    static final String GEMMA = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System "
            + "role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != "
            + "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
            + "user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}"
            + "{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + "
            + "role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}{% endfor %}"
            + "{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}";

    /** microsoft/Phi-3-mini-4k-instruct. */
    static final String PHI_3 = "{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\\n' + "
            + "message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + "
            + "message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\\n' + "
            + "message['content'] + '<|end|>\\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}"
            + "{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}";

    /** TinyLlama/TinyLlama-1.1B-Chat-v1.0 (Zephyr's template). */
    static final String ZEPHYR = "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
            + "{{ '<|user|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
            + "{{ '<|system|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
            + "{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif %}\n"
            + "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}";

    // Mistral's official templates are long; these are the parts that tell them apart
    static final String MISTRAL_V1 = "{%- for message in loop_messages %}{%- if message['role'] == 'user' %}"
            + "{%- if loop.first and system_message is defined %}{{- ' [INST] ' + system_message + '\\n\\n' + "
            + "message['content'] + ' [/INST]' }}{%- else %}{{- ' [INST] ' + message['content'] + ' [/INST]' }}";
    static final String MISTRAL_V3 = "{%- if tools is not none and (message == user_messages[-1]) %}"
            + "{{- \"[AVAILABLE_TOOLS] [\" }}{%- endif %}{{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }}";
    static final String MISTRAL_V3_TEKKEN = "{%- if tools is not none and (message == user_messages[-1]) %}"
            + "{{- \"[AVAILABLE_TOOLS][\" }}{%- endif %}{{- \"[INST]\" + message[\"content\"] + \"[/INST]\" }}";
    static final String MISTRAL_V7 = "{%- if message['role'] == 'system' %}{{- '[SYSTEM_PROMPT]' + "
            + "message['content'] + '[/SYSTEM_PROMPT]' }}{%- elif message['role'] == 'user' %}"
            + "{{- '[INST]' + message['content'] + '[/INST]' }}";

    private static ChatTemplate of(String jinja) {
        return ChatTemplate.recognise(jinja, "<s>", "</s>").orElseThrow();
    }

    private static String rendered(String jinja, List<Message> messages) {
        return of(jinja).render(messages).stream().map(Tokenizer.Text::text).collect(Collectors.joining());
    }

    @Test
    void recognisesTheFamiliesByTheirMarkers() {
        assertEquals(Format.CHATML, of(CHATML).format());
        assertEquals(Format.LLAMA_2_SYS_STRIP, of(LLAMA_2_CHAT).format());
        assertEquals(Format.LLAMA_2, of(MISTRAL_INSTRUCT).format());
        assertEquals(Format.LLAMA_3, of(LLAMA_3).format());
        assertEquals(Format.GEMMA, of(GEMMA).format());
        assertEquals(Format.PHI_3, of(PHI_3).format());
        assertEquals(Format.ZEPHYR, of(ZEPHYR).format());
        assertEquals(Format.MISTRAL_V1, of(MISTRAL_V1).format());
        assertEquals(Format.MISTRAL_V3, of(MISTRAL_V3).format());
        assertEquals(Format.MISTRAL_V3_TEKKEN, of(MISTRAL_V3_TEKKEN).format());
        assertEquals(Format.MISTRAL_V7, of(MISTRAL_V7).format());
    }

    @Test
    void aTemplateOfAnotherFamilyIsNotRecognised() {
        String alpaca = "{% for message in messages %}{% if message['role'] == 'user' %}{{ '### Instruction:\\n' + "
                + "message['content'] + '\\n\\n' }}{% else %}{{ '### Response:\\n' + message['content'] + eos_token "
                + "}}{% endif %}{% endfor %}";
        String phi4 = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '<|im_sep|>' + "
                + "message['content'] + '<|im_end|>'}}{% endfor %}";
        assertEquals(Optional.empty(), ChatTemplate.recognise(alpaca, "<s>", "</s>"));
        assertEquals(Optional.empty(), ChatTemplate.recognise(phi4, "<s>", "</s>"), "ChatML's markers, used otherwise");
    }

    @Test
    void rendersEachFamilyEndingWithTheAssistantsTurn() {
        assertEquals("<|im_start|>system\nYou are a helpful assistant<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n"
                + "<|im_start|>assistant\nHi there<|im_end|>\n<|im_start|>user\nWho are you<|im_end|>\n"
                + "<|im_start|>assistant\n", rendered(CHATML, CHAT));
        assertEquals("[INST] <<SYS>>\nYou are a helpful assistant\n<</SYS>>\n\nHello [/INST]Hi there</s>"
                + "[INST] Who are you [/INST]", rendered(LLAMA_2_CHAT, CHAT));
        assertEquals("[INST] You are a helpful assistant\nHello [/INST]Hi there</s>[INST] Who are you [/INST]",
                rendered(MISTRAL_INSTRUCT, CHAT));
        assertEquals("<|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\nHi there<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", rendered(LLAMA_3, CHAT));
        assertEquals("<start_of_turn>user\nYou are a helpful assistant\n\nHello<end_of_turn>\n"
                + "<start_of_turn>model\nHi there<end_of_turn>\n<start_of_turn>user\nWho are you<end_of_turn>\n"
                + "<start_of_turn>model\n", rendered(GEMMA, CHAT));
        assertEquals("<|system|>\nYou are a helpful assistant<|end|>\n<|user|>\nHello<|end|>\n"
                + "<|assistant|>\nHi there<|end|>\n<|user|>\nWho are you<|end|>\n<|assistant|>\n", rendered(PHI_3, CHAT));
        assertEquals("<|system|>\nYou are a helpful assistant</s>\n<|user|>\nHello</s>\n"
                + "<|assistant|>\nHi there</s>\n<|user|>\nWho are you</s>\n<|assistant|>\n", rendered(ZEPHYR, CHAT));
        assertEquals(" [INST] You are a helpful assistant\n\nHello [/INST] Hi there</s> [INST] Who are you [/INST]",
                rendered(MISTRAL_V1, CHAT));
        assertEquals("[INST] You are a helpful assistant\n\nHello[/INST] Hi there</s>[INST] Who are you[/INST]",
                rendered(MISTRAL_V3, CHAT));
        assertEquals("[INST]You are a helpful assistant\n\nHello[/INST]Hi there</s>[INST]Who are you[/INST]",
                rendered(MISTRAL_V3_TEKKEN, CHAT));
        assertEquals("[SYSTEM_PROMPT] You are a helpful assistant[/SYSTEM_PROMPT][INST] Hello[/INST] Hi there</s>"
                + "[INST] Who are you[/INST]", rendered(MISTRAL_V7, CHAT));
    }

    @Test
    void theEndOfTurnFollowsTheModelsVocabulary() {
        assertEquals("<|user|>\nHi<|endoftext|>\n<|assistant|>\n", ChatTemplate.recognise(ZEPHYR, "<|endoftext|>",
                "<|endoftext|>").orElseThrow().render(List.of(Message.user("Hi"))).stream()
                .map(Tokenizer.Text::text).collect(Collectors.joining()));
        String literal = "{{ '<|user|>\\n' + message['content'] + '<|endoftext|>' }}{{ '<|assistant|>\\n' }}";
        assertEquals("<|user|>\nHi<|endoftext|>\n<|assistant|>\n", rendered(literal, List.of(Message.user("Hi"))));
        List<Message> twoTurns = List.of(Message.user("Hello"), Message.assistant("Hi there"), Message.user("Bye"));
        String withBos = "{{ bos_token + '[INST] ' + message['content'] + ' [/INST]' }}<<SYS>>";
        assertEquals(Format.LLAMA_2_SYS_BOS, of(withBos).format());
        assertEquals("[INST] Hello [/INST]Hi there</s><s>[INST] Bye [/INST]", rendered(withBos, twoTurns));
    }

    @Test
    void aToolsAnswerTakesTheToolRoleWhereTheFamilyHasOne_elseTheUsers() {
        // the assistant's turn that called the tool has no text
        List<Message> tool = List.of(Message.user("What is 6 x 7?"), Message.assistant(""), Message.tool("call-1", "42"));
        assertTrue(rendered(CHATML, tool).contains("<|im_start|>tool\n42<|im_end|>\n"));
        assertTrue(rendered(LLAMA_3, tool).contains("<|start_header_id|>ipython<|end_header_id|>\n\n42<|eot_id|>"));
        assertTrue(rendered(GEMMA, tool).contains("<start_of_turn>user\n42<end_of_turn>\n"));
        assertTrue(rendered(PHI_3, tool).contains("<|user|>\n42<|end|>\n"));
        assertEquals("[INST] What is 6 x 7? [/INST]</s>[INST] 42 [/INST]", rendered(MISTRAL_INSTRUCT, tool));
    }

    @Test
    void theMessagesAreTextAndOnlyTheTemplatesMarkupIsMarkup() {
        List<Tokenizer.Text> parts = of(CHATML).render(List.of(Message.user("say <|im_end|>")));
        assertEquals(List.of(new Tokenizer.Text("<|im_start|>user\n", true), new Tokenizer.Text("say <|im_end|>", false),
                new Tokenizer.Text("<|im_end|>\n<|im_start|>assistant\n", true)), parts);
    }

    @Test
    void plainRenderingIsTheMessagesTextOnePerLine() {
        assertEquals(List.of(new Tokenizer.Text("You tell stories.\nTell one.", false)), ChatTemplate.PLAIN.render(
                List.of(Message.system("You tell stories."), Message.user("Tell one."))));
    }
}
