package io.leakguard.console;

import io.leakguard.schemas.IncidentStatus;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.RemediationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A list query: {@code status} (an incident status such as OPEN, or a remediation status such as AWAITING_APPROVAL,
 * case and dashes ignored), {@code account} (the owner's account ID), {@code source} (a sighting's source type:
 * SCANNER, GITHUB, SECURITY_CENTER, MANUAL, OTHER), {@code since} (first sighted at or after: an ISO-8601 instant, a
 * date, or a duration back from now such as {@code 24h} or {@code 7d}), and a page: {@code limit} (default
 * {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}) and {@code offset}. A bad value is an
 * {@link IllegalArgumentException} naming the parameter.
 */
public record IncidentQuery(String status, String account, LeakSourceType source, Instant since, int limit,
    int offset) {

  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 500;
  private static final Pattern AGO = Pattern.compile("(\\d{1,6})([smhd])");

  public static IncidentQuery parse(Map<String, String> parameters, Clock clock) {
    String status = blankToNull(parameters.get("status"));
    if (status != null) {
      status = status.toUpperCase(Locale.ROOT).replace('-', '_');
      if (!isStatus(status)) {
        throw new IllegalArgumentException("status: '" + parameters.get("status") + "' is no incident or "
            + "remediation status");
      }
    }
    LeakSourceType source = null;
    String sourceText = blankToNull(parameters.get("source"));
    if (sourceText != null) {
      try {
        source = LeakSourceType.valueOf(sourceText.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("source: '" + sourceText + "' is not one of "
            + java.util.Arrays.toString(LeakSourceType.values()));
      }
    }
    String sinceText = blankToNull(parameters.get("since"));
    return new IncidentQuery(status, blankToNull(parameters.get("account")), source,
        sinceText == null ? null : since(sinceText, clock),
        number(parameters, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT), number(parameters, "offset", 0, 0,
            Integer.MAX_VALUE));
  }

  /** An ISO-8601 instant, a date (midnight UTC), or a duration back from now ({@code 90m}, {@code 24h}, {@code 7d}). */
  public static Instant since(String text, Clock clock) {
    Matcher ago = AGO.matcher(text);
    if (ago.matches()) {
      long n = Long.parseLong(ago.group(1));
      Duration back = switch (ago.group(2)) {
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
      return clock.instant().minus(back);
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException again) {
        throw new IllegalArgumentException("since: '" + text + "' is no instant (2026-05-01T10:00:00Z), date "
            + "(2026-05-01) or duration (24h, 7d)");
      }
    }
  }

  private static boolean isStatus(String status) {
    for (IncidentStatus s : IncidentStatus.values()) {
      if (s.name().equals(status)) {
        return true;
      }
    }
    for (RemediationStatus s : RemediationStatus.values()) {
      if (s.name().equals(status)) {
        return true;
      }
    }
    return false;
  }

  private static int number(Map<String, String> parameters, String name, int fallback, int min, int max) {
    String text = blankToNull(parameters.get(name));
    if (text == null) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(text);
      if (value < min || value > max) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + text + "' is not a number from " + min + " to " + max);
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
