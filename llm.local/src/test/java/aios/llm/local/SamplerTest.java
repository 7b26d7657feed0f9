package aios.llm.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SamplerTest {

    /** Token 3 is the likeliest, then 1, then 4; the others trail. */
    private static final float[] LOGITS = {0.5f, 2.8f, 0.1f, 3.0f, 2.5f, 1.0f, -1f, 0.7f};

    /** The tokens drawn from {@link #LOGITS} with these settings, over many seeds. */
    private static Set<Integer> drawn(double temperature, double topP, int topK) {
        Set<Integer> out = new TreeSet<>();
        Sampler s = new Sampler(temperature, topP, topK, 42);
        for (int i = 0; i < 2_000; i++) {
            out.add(s.sample(LOGITS.clone()));
        }
        return out;
    }

    @Test
    void withTopK2OnlyTheTwoLikeliestTokensAreEverDrawn() {
        assertEquals(Set.of(1, 3), drawn(5.0, 1.0, 2));
        assertEquals(8, drawn(5.0, 1.0, 0).size(), "without top-k every token is drawn at this temperature");
    }

    @Test
    void topK1IsGreedyAtAnyTemperature() {
        assertEquals(Set.of(3), drawn(50.0, 1.0, 1));
    }

    @Test
    void topPIsAppliedToTheTopKTokensMass() {
        // of tokens 3, 1, 4 at temperature 1, token 3 has 41 % of their mass, 3 and 1 together 75 %; over all
        // eight tokens 0.95 of the mass would take in three more
        assertEquals(Set.of(3, 1), drawn(1.0, 0.6, 3));
        assertEquals(Set.of(1, 3, 4), drawn(1.0, 0.95, 3));
    }

    @Test
    void equallyLikelyTokensAreKeptInTheOrderOfTheirIds() {
        Set<Integer> out = new TreeSet<>();
        Sampler s = new Sampler(1.0, 1.0, 3, 7);
        for (int i = 0; i < 500; i++) {
            out.add(s.sample(new float[] {1f, 1f, 1f, 1f, 1f, 1f}));
        }
        assertEquals(Set.of(0, 1, 2), out);
    }

    @Test
    void aTopKOfTheWholeVocabularyOrMoreDrawsAsNoLimit() {
        for (int k : new int[] {LOGITS.length, LOGITS.length + 5}) {
            Sampler limited = new Sampler(1.3, 0.9, k, 99);
            Sampler free = new Sampler(1.3, 0.9, 0, 99);
            for (int i = 0; i < 200; i++) {
                assertEquals(free.sample(LOGITS.clone()), limited.sample(LOGITS.clone()));
            }
            assertEquals(free.state(), limited.state());
        }
    }
}
