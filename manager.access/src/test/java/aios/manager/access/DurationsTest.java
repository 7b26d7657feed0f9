package aios.manager.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void secondsBelowAMinute_minutesAndSecondsBelowAnHour_thenHoursAndMinutes() {
        assertEquals("0s", Durations.text(Duration.ofMillis(999)));
        assertEquals("42s", Durations.text(Duration.ofSeconds(42)));
        assertEquals("5m", Durations.text(Duration.ofMinutes(5)));
        assertEquals("4m 59s", Durations.text(Duration.ofSeconds(299)));
        assertEquals("1h", Durations.text(Duration.ofHours(1)));
        assertEquals("1h 30m", Durations.text(Duration.ofMinutes(90)));
        assertEquals("0s", Durations.text(Duration.ofSeconds(-3)));
    }
}
