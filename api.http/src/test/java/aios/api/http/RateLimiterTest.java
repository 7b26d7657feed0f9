package aios.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong();

    @Test
    void aBurstIsAllowed_thenTheRate_andEachKeyHasItsOwnBucket() {
        RateLimiter limiter = new RateLimiter(2, 3, now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("a"));
        }
        assertEquals(1, limiter.acquire("a"), "empty: retry in a second");
        assertEquals(0, limiter.acquire("b"), "another client is not affected");
        now.addAndGet(500_000_000); // half a second refills one at 2 per second
        assertEquals(0, limiter.acquire("a"));
        assertEquals(1, limiter.acquire("a"));
        now.addAndGet(10_000_000_000L); // a long pause refills up to the burst, not beyond
        for (int i = 0; i < 3; i++) {
            assertEquals(0, limiter.acquire("a"));
        }
        assertEquals(1, limiter.acquire("a"));
    }

    @Test
    void aSlowRateTellsHowLongToWait() {
        RateLimiter limiter = new RateLimiter(0.1, 1, now::get);
        assertEquals(0, limiter.acquire("a"));
        assertEquals(10, limiter.acquire("a"));
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        assertEquals("rate.per.second=0.0 is not accepted: use a number > 0",
                assertThrows(IllegalArgumentException.class, () -> new RateLimiter(0, 1, now::get)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RateLimiter(1, 0, now::get));
    }
}
