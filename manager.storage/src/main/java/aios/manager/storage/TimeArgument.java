package aios.manager.storage;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A point in time as people type it in the shell: an ISO instant, or a duration back from now such as 5m. */
final class TimeArgument {

    private static final Pattern AGO = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private TimeArgument() {
    }

    /** @throws IllegalArgumentException naming {@code option} and the text, with the accepted forms */
    static Instant parse(String option, String text, Instant now) {
        Matcher m = AGO.matcher(text.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return now.minus(d);
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + text + "' is not a time: give an ISO instant such as "
                    + "2026-11-24T20:00:00Z, or a duration back from now such as 30s, 5m, 2h or 1d");
        }
    }
}
