package aios.text;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with left-aligned columns, as the shell commands print them: the header, then one line per
 * row, columns two spaces apart, no trailing spaces. A missing or {@code null} cell prints as {@code -}, or as
 * {@link #blank(String) chosen}. Not thread-safe: build it, print it.
 */
public final class TextTable {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;
    private String blank = "-";

    public TextTable(String... header) {
        if (header.length == 0) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        columns = header.length;
        rows.add(header.clone());
    }

    /** What an empty cell prints from now on (for rows added after this call). */
    public TextTable blank(String text) {
        blank = text;
        return this;
    }

    /** Adds a row: cell i under column i, its {@code toString()}; cells past the last column are left out. */
    public TextTable row(Object... cells) {
        String[] r = new String[columns];
        for (int i = 0; i < columns; i++) {
            r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : blank;
        }
        rows.add(r);
        return this;
    }

    /** The rows added, the header not counted. */
    public int size() {
        return rows.size() - 1;
    }

    @Override
    public String toString() {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                line.append(r[i]);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
