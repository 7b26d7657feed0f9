package aios.api.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets, one per key (a token's principal, or a client address): each holds up to {@code burst} requests and
 * refills at {@code perSecond}. A request takes one; with none left it is refused and told when one will be there.
 *
 * <p>Thread-safe. The map is bounded: past {@link #MAX_KEYS} keys the full buckets (clients idle long enough to have
 * refilled) are forgotten, which changes nothing for them.
 */
final class RateLimiter {

    static final int MAX_KEYS = 10_000;

    private final double perSecond;
    private final double burst;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    /**
     * @param perSecond refill rate, &gt; 0
     * @param burst bucket size, &ge; 1
     */
    RateLimiter(double perSecond, int burst, LongSupplier nanoTime) {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("rate.per.second=" + perSecond + " is not accepted: use a number > 0");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("rate.burst=" + burst + " is not accepted: use a whole number >= 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanoTime = nanoTime;
    }

    /**
     * Takes one request from {@code key}'s bucket.
     *
     * @return 0 if allowed; otherwise the whole seconds (at least 1) until a request will be allowed
     */
    long acquire(String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > MAX_KEYS) {
            forgetFull(now);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.updated) / 1e9 * perSecond);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - b.tokens) / perSecond));
        }
    }

    private void forgetFull(long now) {
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            synchronized (b) {
                return b.tokens + (now - b.updated) / 1e9 * perSecond >= burst;
            }
        });
    }
}
