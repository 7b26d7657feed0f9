package aios.manager.access;

import java.time.Duration;

/** Durations as people read them, to the second below an hour: {@code 42s}, {@code 5m}, {@code 4m 59s}, {@code 1h 30m}. */
final class Durations {

    private Durations() {
    }

    static String text(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
        }
        long h = s / 3600;
        long m = (s % 3600) / 60;
        return m == 0 ? h + "h" : h + "h " + m + "m";
    }
}
