package aios.run;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;

public class GogoStatementsTest {

    @Test
    public void newlinesAndSemicolonsEndStatements() {
        assertEquals(List.of("lb", "echo a", "aios:ps"), GogoStatements.split("lb\necho a ; aios:ps\n"));
    }

    @Test
    public void quotesAndBracketsKeepTheirSeparators() {
        assertEquals(List.of("echo 'a;b' \"c\nd\"", "each [1 2] { echo $it; echo x }", "(bundle 0) symbolicName"),
                GogoStatements.split("echo 'a;b' \"c\nd\"; each [1 2] { echo $it; echo x }\n(bundle 0) symbolicName"));
    }

    @Test
    public void aTrailingBackslashContinuesTheLineAndEscapesStay() {
        assertEquals(List.of("echo a  b", "echo c\\;d"), GogoStatements.split("echo a \\\n b\necho c\\;d"));
    }

    @Test
    public void commentsAndBlankStatementsAreDropped() {
        assertEquals(List.of("lb", "echo a#b"), GogoStatements.split("# list\n  lb ;;\n\n  # more\necho a#b"));
    }
}
