package io.leakguard.emulator;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** The cloud's one date format, {@code yyyy-MM-ddTHH:mm:ssZ} in UTC. */
final class Times {

    private Times() {
    }

    static String format(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Parses an ISO-8601 UTC instant, or returns null when the text is not one. */
    static Instant parseOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
