package aios.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RatesTest {

    @Test
    void theMedianIsTheMiddleValueOrTheMeanOfTheMiddleTwo() {
        assertEquals(64_825, Rates.median(List.of(64_825.0, 66_673.0, 37_941.0)));
        assertEquals(2.5, Rates.median(List.of(4.0, 1.0, 3.0, 2.0)));
        assertEquals(7, Rates.median(List.of(7.0)));
        assertThrows(IllegalArgumentException.class, () -> Rates.median(List.of()));
    }

    @Test
    void theRatioIsTheShareOfTheLimitReached() {
        assertEquals(0.81, Rates.ratio(64_825, 80_031), 0.005);
        assertThrows(IllegalArgumentException.class, () -> Rates.ratio(1, 0));
    }

    @Test
    void roundsAreListedAsWholeNumbers() {
        assertEquals("64825 66673 37941", Rates.list(List.of(64_825.4, 66_672.6, 37_941.0)));
    }
}
