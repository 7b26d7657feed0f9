package aios.kernel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class EventPropertiesTest {

    @Test
    void anEventBuiltFromItHasEveryPropertyAndNothingElse() {
        Event e = new Event("aios/syscall/COMPLETED", new EventProperties(4).with("syscall.id", 7L).with("agent", "a"));
        assertEquals(7L, e.getProperty("syscall.id"));
        assertEquals("a", e.getProperty("agent"));
        assertEquals(Map.of("syscall.id", 7L, "agent", "a", "event.topics", "aios/syscall/COMPLETED").keySet(),
                java.util.Set.of(e.getPropertyNames()));
    }
}
