package aios.llm.local;

import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a model wants a chat written: the format of a model family, recognised in the Jinja template of the GGUF
 * metadata ({@code tokenizer.chat_template}) by its markers, and rendered in code — there is no Jinja engine here,
 * which is also what llama.cpp's {@code llama_chat_apply_template} does. A rendering ends with the generation
 * prompt of the assistant's turn and never starts with BOS (the tokenizer adds it).
 *
 * <p>The markup comes out as {@link Tokenizer.Text#markup() markup}, so its special tokens become tokens; the
 * messages' text comes out as plain text, so a user cannot write one.
 *
 * @param format the family's format
 * @param bos the vocabulary's BOS text, for formats that repeat it between turns
 * @param eos what ends a turn in formats whose templates end it with {@code eos_token}: the vocabulary's EOS text
 */
record ChatTemplate(Format format, String bos, String eos) {

    /** No template: the messages' text, one per line. */
    static final ChatTemplate PLAIN = new ChatTemplate(Format.PLAIN, "", "");

    /** The formats known. */
    enum Format {
        /** The messages' text, one per line. */
        PLAIN,
        /** {@code <|im_start|>role\n…<|im_end|>\n} (Qwen, Hermes, many fine-tunes). */
        CHATML,
        /** Llama 2 without system prompts: {@code [INST] user [/INST]assistant</s>}; a system message opens the turn. */
        LLAMA_2,
        /** Llama 2 with {@code <<SYS>>}. */
        LLAMA_2_SYS,
        /** Llama 2 with {@code <<SYS>>} and BOS before each later turn. */
        LLAMA_2_SYS_BOS,
        /** Llama 2 with {@code <<SYS>>}, messages stripped of surrounding white space. */
        LLAMA_2_SYS_STRIP,
        /** Mistral's v1: {@code  [INST] user [/INST] assistant</s>}. */
        MISTRAL_V1,
        /** Mistral's v3: {@code [INST] user[/INST] assistant</s>}. */
        MISTRAL_V3,
        /** Mistral's v3 Tekken: {@code [INST]user[/INST]assistant</s>}. */
        MISTRAL_V3_TEKKEN,
        /** Mistral's v7: {@code [SYSTEM_PROMPT] …[/SYSTEM_PROMPT][INST] user[/INST] assistant</s>}. */
        MISTRAL_V7,
        /** {@code <|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>}. */
        LLAMA_3,
        /** {@code <start_of_turn>user\n…<end_of_turn>\n}, the assistant as {@code model}, system text in the first user turn. */
        GEMMA,
        /** {@code <|user|>\n…<|end|>\n}. */
        PHI_3,
        /** {@code <|user|>\n…</s>\n}, the turn ending with EOS or {@code <|endoftext|>}. */
        ZEPHYR;

        /** The name shown in {@code llm:models}. */
        String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The format of a chat template, recognised by its markers (in the order llama.cpp tries them, where it knows
     * the family); empty for a template of no known family.
     *
     * @param jinja the template text of the GGUF metadata
     * @param bos the vocabulary's BOS text
     * @param eos the vocabulary's EOS text
     */
    static Optional<ChatTemplate> recognise(String jinja, String bos, String eos) {
        Format f = formatOf(jinja);
        if (f == null) {
            return Optional.empty();
        }
        // a Zephyr template naming <|endoftext|> ends turns with it, whatever the model's EOS
        String end = f == Format.ZEPHYR && jinja.contains("<|endoftext|>") ? "<|endoftext|>" : eos;
        return Optional.of(new ChatTemplate(f, bos, end));
    }

    private static Format formatOf(String t) {
        if (t.contains("<|im_start|>")) {
            // Phi-4 and SmolVLM use the same markers differently
            return t.contains("<|im_sep|>") || t.contains("<end_of_utterance>") ? null : Format.CHATML;
        }
        if (t.startsWith("mistral") || t.contains("[INST]")) {
            if (t.contains("[SYSTEM_PROMPT]")) {
                return Format.MISTRAL_V7;
            }
            if (t.contains("' [INST] ' + system_message") || t.contains("[AVAILABLE_TOOLS]")) {
                return t.contains(" [INST]") ? Format.MISTRAL_V1
                        : t.contains("\"[INST]\"") ? Format.MISTRAL_V3_TEKKEN : Format.MISTRAL_V3;
            }
            if (t.contains("content.strip()")) {
                return Format.LLAMA_2_SYS_STRIP;
            }
            if (t.contains("bos_token + '[INST]")) {
                return Format.LLAMA_2_SYS_BOS;
            }
            return t.contains("<<SYS>>") ? Format.LLAMA_2_SYS : Format.LLAMA_2;
        }
        if (t.contains("<|assistant|>") && t.contains("<|end|>")) {
            return Format.PHI_3;
        }
        if (t.contains("<|user|>") && t.contains("<|assistant|>")
                && (t.contains("eos_token") || t.contains("</s>") || t.contains("<|endoftext|>"))) {
            return Format.ZEPHYR;
        }
        if (t.contains("<start_of_turn>")) {
            return Format.GEMMA;
        }
        if (t.contains("<|start_header_id|>") && t.contains("<|end_header_id|>")) {
            return Format.LLAMA_3;
        }
        return null;
    }

    /** The prompt for {@code messages}, ending with the assistant's generation prompt. */
    List<Tokenizer.Text> render(List<Message> messages) {
        Rendering r = new Rendering();
        switch (format) {
            case PLAIN -> {
                for (int i = 0; i < messages.size(); i++) {
                    r.text((i > 0 ? "\n" : "") + messages.get(i).content());
                }
            }
            case CHATML -> {
                for (Message m : messages) {
                    r.markup("<|im_start|>" + m.role().name().toLowerCase(Locale.ROOT) + "\n").text(m.content())
                            .markup("<|im_end|>\n");
                }
                r.markup("<|im_start|>assistant\n");
            }
            case LLAMA_2, LLAMA_2_SYS, LLAMA_2_SYS_BOS, LLAMA_2_SYS_STRIP -> llama2(messages, r);
            case MISTRAL_V1, MISTRAL_V3, MISTRAL_V3_TEKKEN -> mistral(messages, r);
            case MISTRAL_V7 -> {
                for (Message m : messages) {
                    switch (m.role()) {
                        case SYSTEM -> r.markup("[SYSTEM_PROMPT] ").text(m.content()).markup("[/SYSTEM_PROMPT]");
                        case USER, TOOL -> r.markup("[INST] ").text(m.content()).markup("[/INST]");
                        case ASSISTANT -> r.markup(" ").text(m.content()).markup(eos);
                    }
                }
            }
            case LLAMA_3 -> {
                for (Message m : messages) {
                    // Llama 3.1 and later take tool results in the ipython role
                    String role = m.role() == Role.TOOL ? "ipython" : m.role().name().toLowerCase(Locale.ROOT);
                    r.markup("<|start_header_id|>" + role + "<|end_header_id|>\n\n").text(m.content().strip())
                            .markup("<|eot_id|>");
                }
                r.markup("<|start_header_id|>assistant<|end_header_id|>\n\n");
            }
            case GEMMA -> {
                StringBuilder system = new StringBuilder();
                for (Message m : messages) {
                    if (m.role() == Role.SYSTEM) {
                        system.append(m.content().strip()); // Gemma has no system turn: it opens the next user turn
                        continue;
                    }
                    boolean model = m.role() == Role.ASSISTANT;
                    r.markup("<start_of_turn>" + (model ? "model" : "user") + "\n");
                    if (!model && !system.isEmpty()) {
                        r.text(system + "\n\n");
                        system.setLength(0);
                    }
                    r.text(m.content().strip()).markup("<end_of_turn>\n");
                }
                r.markup("<start_of_turn>model\n");
            }
            case PHI_3, ZEPHYR -> {
                String end = format == Format.PHI_3 ? "<|end|>" : eos;
                for (Message m : messages) {
                    // neither family has a tool role: a tool's answer is given as the user's
                    String role = m.role() == Role.TOOL ? "user" : m.role().name().toLowerCase(Locale.ROOT);
                    r.markup("<|" + role + "|>\n").text(m.content()).markup(end + "\n");
                }
                r.markup("<|assistant|>\n");
            }
        }
        return r.parts;
    }

    /** Llama 2: the first {@code [INST]} without BOS (the tokenizer adds it), a tool's answer as the user's. */
    private void llama2(List<Message> messages, Rendering r) {
        boolean system = format != Format.LLAMA_2;
        boolean strip = format == Format.LLAMA_2_SYS_STRIP;
        boolean inTurn = true;
        r.markup("[INST] ");
        for (Message m : messages) {
            String content = strip ? m.content().strip() : m.content();
            if (!inTurn) {
                r.markup(format == Format.LLAMA_2_SYS_BOS ? bos + "[INST] " : "[INST] ");
                inTurn = true;
            }
            switch (m.role()) {
                case SYSTEM -> {
                    if (system) {
                        r.markup("<<SYS>>\n").text(content).markup("\n<</SYS>>\n\n");
                    } else {
                        r.text(content + "\n");
                    }
                }
                case USER, TOOL -> r.text(content).markup(" [/INST]");
                case ASSISTANT -> {
                    r.text(content).markup(eos);
                    inTurn = false;
                }
            }
        }
    }

    /** Mistral v1, v3 and v3 Tekken differ in the spaces around {@code [INST]} and {@code [/INST]}. */
    private void mistral(List<Message> messages, Rendering r) {
        String before = format == Format.MISTRAL_V1 ? " " : "";
        String after = format == Format.MISTRAL_V3_TEKKEN ? "" : " ";
        boolean inTurn = false;
        for (Message m : messages) {
            if (!inTurn) {
                r.markup(before + "[INST]" + after);
                inTurn = true;
            }
            switch (m.role()) {
                case SYSTEM -> r.text(m.content() + "\n\n");
                case USER, TOOL -> r.text(m.content()).markup(before + "[/INST]");
                case ASSISTANT -> {
                    String content = format == Format.MISTRAL_V3 ? m.content().strip() : m.content();
                    r.markup(after).text(content).markup(eos);
                    inTurn = false;
                }
            }
        }
    }

    /** The parts of a prompt, adjacent ones of the same kind joined. */
    private static final class Rendering {
        final List<Tokenizer.Text> parts = new ArrayList<>();

        Rendering markup(String s) {
            return add(s, true);
        }

        Rendering text(String s) {
            return add(s, false);
        }

        private Rendering add(String s, boolean markup) {
            if (s.isEmpty()) {
                return this;
            }
            if (!parts.isEmpty() && parts.getLast().markup() == markup) {
                parts.set(parts.size() - 1, new Tokenizer.Text(parts.getLast().text() + s, markup));
            } else {
                parts.add(new Tokenizer.Text(s, markup));
            }
            return this;
        }
    }
}
