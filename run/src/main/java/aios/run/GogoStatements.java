package aios.run;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a Gogo script into its top-level statements, so that each one can run and show its value the way
 * the interactive console does. A statement ends at a newline or {@code ;} outside quotes, {@code {}},
 * {@code ()} and {@code []}; a backslash escapes the next character (a line ending in one continues); a line
 * whose first word starts with {@code #} is a comment.
 */
final class GogoStatements {

    private GogoStatements() {
    }

    static List<String> split(CharSequence script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        char quote = 0;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\\' && i + 1 < script.length() && quote != '\'') {
                char next = script.charAt(++i);
                if (next != '\n') {
                    current.append(c).append(next);
                }
                continue;
            }
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
                current.append(c);
                continue;
            }
            if (c == '#' && depth == 0 && current.toString().isBlank()) {
                while (i + 1 < script.length() && script.charAt(i + 1) != '\n') {
                    i++;
                }
                continue;
            }
            switch (c) {
                case '\'', '"' -> quote = c;
                case '{', '(', '[' -> depth++;
                case '}', ')', ']' -> depth = Math.max(0, depth - 1);
                default -> { }
            }
            if ((c == '\n' || c == ';') && depth == 0) {
                add(statements, current);
            } else {
                current.append(c);
            }
        }
        add(statements, current);
        return statements;
    }

    private static void add(List<String> statements, StringBuilder statement) {
        String s = statement.toString().strip();
        if (!s.isEmpty()) {
            statements.add(s);
        }
        statement.setLength(0);
    }
}
