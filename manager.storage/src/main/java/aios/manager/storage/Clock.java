package aios.manager.storage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Epoch microseconds, the unit of every time in the database (the kernel's events use it too). */
final class Clock {

    private Clock() {
    }

    static long micros() {
        return micros(Instant.now());
    }

    static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }

    static Instant instant(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    }
}
