package aios.manager.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns a person's or an agent's text into an FTS5 query that cannot be a syntax error: the words (runs of letters
 * and digits, as the index's tokenizer sees them) each quoted as a string and joined with OR, so that bm25 ranks
 * documents by how many words they share and how rare those are. Operators, quotes, parentheses and column filters
 * in the text are plain characters, never syntax.
 */
final class FullTextQuery {

    private static final Pattern NOT_A_WORD = Pattern.compile("[^\\p{L}\\p{N}]+");
    /** More terms than this add cost, not precision. */
    static final int MAX_TERMS = 64;

    private FullTextQuery() {
    }

    /**
     * @throws IllegalArgumentException naming the text when it has no letter or digit to search for
     */
    static String of(String text) {
        List<String> terms = new ArrayList<>();
        if (text != null) {
            for (String word : NOT_A_WORD.split(text)) {
                if (!word.isEmpty() && terms.size() < MAX_TERMS) {
                    terms.add('"' + word + '"'); // a word of letters and digits holds no quote to escape
                }
            }
        }
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("search text '" + text + "' has nothing to search for: give at least "
                    + "one word of letters or digits");
        }
        return String.join(" OR ", terms);
    }
}
