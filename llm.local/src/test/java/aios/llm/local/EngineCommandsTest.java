package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineCommandsTest {

    final EngineCommands commands = new EngineCommands(LocalBackend.of(List.of(TestModel.path())));

    @Test
    void generatePrintsTheContinuation_andRefusesAnUnknownModel() throws Exception {
        assertTrue(commands.generate("", 20, 0, 1, 0, -1, "Once", "upon", "a", "time")
                .startsWith(", there was a little girl named Lily."));
        assertTrue(commands.generate(TestModel.path().toString(), 20, 0, 1, 0, -1, "Once upon a time")
                .startsWith(", there was a little girl named Lily."), "a model given by its file");
        var e = assertThrows(IllegalArgumentException.class, () -> commands.generate("nope", 5, 0, 1, 0, -1, "x"));
        assertTrue(e.getMessage().contains("no model nope"), e.getMessage());
    }

    @Test
    void generateTakesTopKAndTopP() throws Exception {
        String greedy = commands.generate("", 30, 0, 1, 0, -1, "Once upon a time");
        assertEquals(greedy, commands.generate("", 30, 1.5, 0.9, 1, 4, "Once upon a time"));
        var e = assertThrows(IllegalArgumentException.class, () -> commands.generate("", 5, 1, 1, -3, 4, "x"));
        assertTrue(e.getMessage().contains("top-k -3"), e.getMessage());
    }

    @Test
    void modelsListsNameChatTemplateAndFile_andTheArithmetic() {
        String[] lines = commands.models().split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].matches("MODEL +CHAT TEMPLATE +FILE"), lines[0]);
        assertTrue(lines[1].matches("stories260K +none \\(plain\\) +" + java.util.regex.Pattern.quote(
                TestModel.path().toString())), lines[1]);
        // this test JVM has the Vector API (the build adds it), so the engine says it uses it
        assertTrue(lines[2].startsWith("arithmetic: vector (jdk.incubator.vector, "), lines[2]);
    }
}
