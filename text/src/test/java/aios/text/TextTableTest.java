package aios.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void columnsAreAlignedTwoSpacesApart_withoutTrailingSpaces() {
        TextTable t = new TextTable("AGENT", "TOKENS", "NOTE").row("alice", 52, "x").row("bob-the-long", 7);
        assertEquals("""
                AGENT         TOKENS  NOTE
                alice         52      x
                bob-the-long  7       -
                """, t.toString());
        assertEquals(2, t.size());
    }

    @Test
    void emptyCellsPrintAsChosen_andExtraCellsAreLeftOut() {
        TextTable t = new TextTable("A", "B").blank("").row(null, "b", "ignored").row("a");
        assertEquals("""
                A  B
                   b
                a
                """, t.toString());
        assertThrows(IllegalArgumentException.class, TextTable::new);
    }
}
