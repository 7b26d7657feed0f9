package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoteTextTest {

    private static List<String> notes(long seed, int n) {
        NoteText text = new NoteText(seed, 20_000, 6, 24);
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            notes.add(text.note());
        }
        return notes;
    }

    @Test
    void theSameSeedGivesTheSameNotesAndAnotherSeedOthers() {
        assertEquals(notes(7, 200), notes(7, 200));
        assertNotEquals(notes(7, 200), notes(8, 200));
    }

    @Test
    void madeUpWordsAreDistinct() {
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < 50_000; n++) {
            String w = NoteText.madeUp(n);
            assertTrue(seen.add(w), "word " + n + " repeats " + w);
        }
    }

    @Test
    void theVocabularyIsTheFunctionWordsThenDistinctMadeUpWords() {
        String[] words = NoteText.vocabulary(20_000);
        assertEquals(NoteText.FUNCTION_WORDS, Arrays.asList(words).subList(0, NoteText.FUNCTION_WORDS.size()));
        assertEquals(words.length, Set.of(words).size());
    }

    @Test
    void notesHaveTheirLengthAndAZipfLikeSpreadOfWords() {
        Map<String, Integer> counts = new HashMap<>();
        for (String note : notes(1, 5_000)) {
            String[] words = note.split(" ");
            assertTrue(words.length >= 6 && words.length <= 24, note);
            for (String w : words) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        int the = counts.get("the");
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        // rank 1 of 20,000 under Zipf: 1 / H(20000) ≈ 9.4 % of all words; rank 2 about half as often
        assertEquals(0.094, the / (double) total, 0.01);
        assertEquals(2.0, the / (double) counts.get("of"), 0.3);
        assertTrue(counts.size() > 5_000, "only " + counts.size() + " distinct words in 5,000 notes");
    }

    @Test
    void aQueryTakesContentWordsOfItsNote() {
        NoteText text = new NoteText(3, 20_000, 6, 24);
        for (int i = 0; i < 1_000; i++) {
            String note = text.note();
            Set<String> words = Set.copyOf(Arrays.asList(note.split(" ")));
            String query = text.queryFor(note, 3);
            String[] asked = query.split(" ");
            assertTrue(asked.length >= 1 && asked.length <= 3, query);
            assertEquals(asked.length, Set.of(asked).size(), "a word twice in " + query);
            for (String w : asked) {
                assertTrue(words.contains(w), w + " is not in " + note);
            }
            if (!NoteText.FUNCTION_WORDS.containsAll(words)) {
                assertFalse(Arrays.stream(asked).anyMatch(NoteText.FUNCTION_WORDS::contains), query);
            }
        }
    }
}
