package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenizerTest {

    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = new Tokenizer(GgufFile.open(TestModel.path()));
    }

    @Test
    void encodesAsLlamaCppWithALeadingSpace() {
        assertEquals(1, tokenizer.bos());
        assertEquals(2, tokenizer.eos());
        // "▁Once", "▁upon", "▁a", "▁time": the ids llama.cpp gives this model
        assertEquals(List.of(403, 407, 261, 378), tokenizer.encode("Once upon a time"));
    }

    @Test
    void decodesWhatItEncodes() {
        String text = "Lily saw a big, red ball. \"Hi!\" she said.";
        assertEquals(" " + text, tokenizer.decode(tokenizer.encode(text)));
    }

    @Test
    void charactersOutsideTheVocabularyFallBackToBytes() {
        List<Integer> tokens = tokenizer.encode("猫");
        // "▁" then the three UTF-8 bytes of 猫 as <0xE7> <0x8C> <0xAB> (byte tokens are 3 + the byte's value)
        assertEquals(List.of(3 + 0xE7, 3 + 0x8C, 3 + 0xAB), tokens.subList(1, 4));
        assertEquals(" 猫", tokenizer.decode(tokens));
    }

    @Test
    void specialTokensInMarkupAreThoseTokens_inAUsersTextTheyAreText() {
        assertEquals(true, tokenizer.addBos());
        List<Integer> markup = tokenizer.encode(List.of(new Tokenizer.Text("</s><s>", true)));
        assertEquals(List.of(2, 1), markup);
        List<Integer> text = tokenizer.encode("</s>");
        assertEquals(false, text.contains(2), text.toString());
        assertEquals(" </s>", tokenizer.decode(text));
    }

    @Test
    void textAfterASpecialTokenGetsTheLeadingSpaceAgain_asInLlamaCpp() {
        List<Integer> expected = new java.util.ArrayList<>(tokenizer.encode("Once upon"));
        expected.add(2);
        expected.addAll(tokenizer.encode("a time"));
        assertEquals(expected, tokenizer.encode(List.of(new Tokenizer.Text("Once upon", false),
                new Tokenizer.Text("</s>", true), new Tokenizer.Text("a time", false))));
    }

    @Test
    void markupAndTextBetweenSpecialTokensAreEncodedAsOneText() {
        // "upon" is one token only when its halves meet
        assertEquals(tokenizer.encode("Once upon a time"), tokenizer.encode(List.of(
                new Tokenizer.Text("Once up", true), new Tokenizer.Text("on a time", false))));
    }
}
