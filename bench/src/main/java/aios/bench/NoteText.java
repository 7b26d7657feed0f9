package aios.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Short note texts and retrieval queries, the same for the same seed. Word frequencies follow Zipf's law over a
 * vocabulary of English function words (the most frequent ranks) and made-up words (the rest), as in real text: a
 * full-text index then meets a few words in most notes and many words in few, which is what its cost depends on.
 *
 * <p>Not thread-safe: one generator per thread.
 */
final class NoteText {

    /** The most frequent words of English, in rank order; they fill the top ranks as in real notes. */
    static final List<String> FUNCTION_WORDS = List.of("the", "of", "and", "to", "a", "in", "is", "that", "for",
            "it", "as", "was", "with", "be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at",
            "which", "but", "have", "an", "they", "you", "were", "her", "she", "there", "been", "one", "all", "we",
            "their", "has", "would", "when", "if", "so", "no", "will", "can", "more", "about", "said");
    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";
    private static final int SYLLABLES = CONSONANTS.length() * VOWELS.length();

    private final String[] words;
    private final double[] cumulative;
    private final SplittableRandom random;
    private final int minWords;
    private final int maxWords;

    /**
     * @param vocabulary distinct words (at least the function words)
     * @param minWords fewest words in a note (at least 1)
     * @param maxWords most words in a note
     */
    NoteText(long seed, int vocabulary, int minWords, int maxWords) {
        if (vocabulary < FUNCTION_WORDS.size() || minWords < 1 || maxWords < minWords) {
            throw new IllegalArgumentException("a vocabulary of " + vocabulary + " words and notes of " + minWords
                    + " to " + maxWords + " words: give at least " + FUNCTION_WORDS.size()
                    + " words and 1 ≤ min ≤ max");
        }
        words = vocabulary(vocabulary);
        // Zipf with exponent 1: the word of rank r is used in proportion to 1/r
        cumulative = new double[vocabulary];
        double sum = 0;
        for (int r = 0; r < vocabulary; r++) {
            sum += 1.0 / (r + 1);
            cumulative[r] = sum;
        }
        for (int r = 0; r < vocabulary; r++) {
            cumulative[r] /= sum;
        }
        random = new SplittableRandom(seed);
        this.minWords = minWords;
        this.maxWords = maxWords;
    }

    /** {@code size} distinct words: the function words, then made-up words that are not one of them. */
    static String[] vocabulary(int size) {
        String[] words = new String[size];
        int i = 0;
        for (String w : FUNCTION_WORDS) {
            if (i < size) {
                words[i++] = w;
            }
        }
        Set<String> function = Set.copyOf(FUNCTION_WORDS);
        for (int n = 0; i < size; n++) {
            String w = madeUp(n);
            if (!function.contains(w)) { // "be", "no", "so", "to" are syllables too
                words[i++] = w;
            }
        }
        return words;
    }

    /**
     * The made-up word number {@code n}: consonant-vowel syllables, one for the first numbers, then two, then three,
     * so that no two numbers share a word (the index's stemmer may still give a few of them one stem, as in English).
     */
    static String madeUp(int n) {
        StringBuilder sb = new StringBuilder();
        int length = 1;
        int span = SYLLABLES;
        while (n >= span) {
            n -= span;
            length++;
            span *= SYLLABLES;
        }
        for (int i = 0; i < length; i++) {
            int s = n % SYLLABLES;
            n /= SYLLABLES;
            sb.append(CONSONANTS.charAt(s / VOWELS.length())).append(VOWELS.charAt(s % VOWELS.length()));
        }
        return sb.toString();
    }

    /** A word drawn by its frequency. */
    String word() {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return words[i >= 0 ? i : Math.min(-i - 1, words.length - 1)];
    }

    /** A note: {@code minWords} to {@code maxWords} words separated by spaces. */
    String note() {
        int n = random.nextInt(minWords, maxWords + 1);
        StringBuilder sb = new StringBuilder(n * 7);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(word());
        }
        return sb.toString();
    }

    /**
     * A query an agent might ask to find {@code note} again: up to {@code words} of its words that are not function
     * words, in random order; the note's first word when it has none.
     */
    String queryFor(String note, int words) {
        List<String> content = new ArrayList<>(new LinkedHashSet<>(Arrays.asList(note.split(" "))));
        content.removeAll(Set.copyOf(FUNCTION_WORDS));
        if (content.isEmpty()) {
            return note.split(" ")[0];
        }
        List<String> chosen = new ArrayList<>();
        while (chosen.size() < words && !content.isEmpty()) {
            chosen.add(content.remove(random.nextInt(content.size())));
        }
        return String.join(" ", chosen);
    }

    /** An int in [0, bound), from this generator's sequence. */
    int nextInt(int bound) {
        return random.nextInt(bound);
    }
}
