package aios.manager.tool;

import java.time.Duration;

/** Durations as people read them: {@code 200 ms}, {@code 30 s}, {@code 1.5 s}. */
final class Durations {

    private Durations() {
    }

    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms == 0 && !d.isZero() ? d.toNanos() / 1000 + " µs" : ms + " ms";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
