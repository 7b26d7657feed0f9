package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import aios.kernel.api.syscall.LlmAction;
import aios.kernel.api.syscall.LlmQuery;
import aios.kernel.api.syscall.LlmResult;
import aios.kernel.api.syscall.Message;
import aios.kernel.api.syscall.Sampling;
import aios.kernel.api.syscall.Scheduling;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.log.Logger;

/** The prompt a model is given: its chat template (or none) and BOS, on the real test model. */
class LocalModelTest {

    @TempDir
    Path tmp;

    /** A copy of the test model with a chat template in its metadata. */
    private Path withTemplate(String name, String template) throws IOException {
        Path p = tmp.resolve(name + ".gguf");
        Files.write(p, GgufBytes.withStrings(Files.readAllBytes(TestModel.path()),
                Map.of(LocalModel.CHAT_TEMPLATE, template)));
        return p;
    }

    private static LlmQuery chat(List<Message> messages, String model) {
        return new LlmQuery("agent", messages, List.of(), LlmAction.CHAT, new Sampling(30, 0, 1, null), model,
                Scheduling.DEFAULT);
    }

    @Test
    void withoutATemplateTheMessagesAreGivenOnePerLineAfterBos() throws IOException {
        LocalModel m = LocalModel.open(TestModel.path());
        assertEquals(null, m.chatTemplateText);
        assertEquals(ChatTemplate.PLAIN, m.chat);
        List<Integer> expected = new ArrayList<>(List.of(1));
        expected.addAll(m.tokenizer.encode("You tell stories.\nOnce upon a time"));
        assertEquals(expected, m.prompt(List.of(Message.system("You tell stories."), Message.user("Once upon a time"))));
    }

    @Test
    void aModelWithALlama2TemplateIsPromptedInItsFormat_itsMarkupTokensAsTokens() throws Exception {
        Path file = withTemplate("chatty", ChatTemplateTest.LLAMA_2_CHAT);
        LocalModel m = LocalModel.open(file);
        assertEquals(ChatTemplate.Format.LLAMA_2_SYS_STRIP, m.chat.format());
        List<Message> messages = List.of(Message.user("Hello"), Message.assistant("Hi there"), Message.user("Once"));
        List<Integer> expected = new ArrayList<>(List.of(1)); // BOS
        expected.addAll(m.tokenizer.encode("[INST] Hello [/INST]Hi there"));
        expected.add(2); // </s>, the vocabulary's EOS
        expected.addAll(m.tokenizer.encode("[INST] Once [/INST]"));
        assertEquals(expected, m.prompt(messages));

        LocalBackend b = LocalBackend.of(List.of(file));
        LlmResult r = b.complete(chat(messages, "chatty"));
        assertEquals(expected.size(), r.promptTokens());
        assertEquals("chatty", r.model());
        assertEquals("llama-2-sys-strip", new EngineCommands(b).models().lines().toList().get(1).split(" +")[1]);
    }

    @Test
    void anUnrecognisedTemplateIsWarnedAboutOncePerModel_andTheChatIsGivenPlainly() throws Exception {
        Path file = withTemplate("odd", "{% for m in messages %}### {{ m['role'] }}: {{ m['content'] }}{% endfor %}");
        List<String> warnings = new CopyOnWriteArrayList<>();
        LocalBackend b = LocalBackend.of(List.of(file));
        b.log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("warn") && args.length == 2 && args[1] instanceof Object[] a) {
                        warnings.add(String.format(((String) args[0]).replace("{}", "%s"), a));
                    }
                    return null;
                });
        LlmQuery q = chat(List.of(Message.user("Once upon a time")), null);
        String first = b.complete(q).text();
        b.complete(q);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().startsWith("model odd (" + file + ") has a chat template of no family"),
                warnings.getFirst());
        assertTrue(first.startsWith(LlamaModelTest.GOLDEN.substring(0, 60)), "the golden story: " + first);
        assertTrue(new EngineCommands(b).models().lines().toList().get(1)
                .matches("odd +not recognised \\(plain\\) +" + java.util.regex.Pattern.quote(file.toString())));
    }
}
