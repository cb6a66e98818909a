package io.leakguard.config;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * One configuration option, declared once with its key, default and a one-line description. Keys are lower-case
 * and dotted ({@code topic.prefix}); the environment spells them {@code LEAKGUARD_TOPIC_PREFIX} and the command
 * line {@code --topic.prefix=VALUE}. Keys starting with {@code kafka.} go to Kafka with the prefix removed.
 *
 * @param key          the key
 * @param defaultValue the default as text, or null when the option is required
 * @param description  one line for the configuration table and {@code --help}
 * @param parser       turns the text into a value, throwing IllegalArgumentException with a reason when it cannot
 */
public record Option<T>(String key, String defaultValue, String description, Function<String, T> parser) {

  public Option {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parser, "parser");
  }

  public boolean required() {
    return defaultValue == null;
  }

  public static Option<String> string(String key, String defaultValue, String description) {
    return new Option<>(key, defaultValue, description, value -> value);
  }

  public static Option<Integer> integer(String key, int defaultValue, int min, int max, String description) {
    return new Option<>(key, Integer.toString(defaultValue), description, value -> {
      int parsed;
      try {
        parsed = Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + value + "' is not a whole number");
      }
      if (parsed < min || parsed > max) {
        throw new IllegalArgumentException(parsed + " is outside " + min + ".." + max);
      }
      return parsed;
    });
  }

  public static Option<Boolean> bool(String key, boolean defaultValue, String description) {
    return new Option<>(key, Boolean.toString(defaultValue), description, value -> {
      String v = value.trim().toLowerCase(java.util.Locale.ROOT);
      if (v.equals("true") || v.equals("false")) {
        return Boolean.valueOf(v);
      }
      throw new IllegalArgumentException("'" + value + "' is neither true nor false");
    });
  }

  public static Option<Duration> duration(String key, String defaultValue, String description) {
    return new Option<>(key, defaultValue, description, Option::parseDuration);
  }

  /** A duration no longer than {@code max}. */
  public static Option<Duration> duration(String key, String defaultValue, Duration max, String description) {
    return new Option<>(key, defaultValue, description, value -> {
      Duration parsed = parseDuration(value);
      if (parsed.compareTo(max) > 0) {
        throw new IllegalArgumentException(value.trim() + " is longer than the most allowed, " + max);
      }
      return parsed;
    });
  }

  /** A comma-separated list of durations, e.g. {@code 1m,5m,30m,2h}; empty for none. */
  public static Option<java.util.List<Duration>> durations(String key, String defaultValue, String description) {
    return new Option<>(key, defaultValue, description, value -> value.isBlank() ? java.util.List.of()
        : java.util.Arrays.stream(value.split(",")).map(Option::parseDuration).toList());
  }

  /** Accepts {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h} or ISO-8601 ({@code PT30S}). */
  static Duration parseDuration(String value) {
    String v = value.trim();
    try {
      if (v.startsWith("P") || v.startsWith("p")) {
        return Duration.parse(v);
      }
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long amount = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(amount);
        case 'm' -> Duration.ofMinutes(amount);
        case 'h' -> Duration.ofHours(amount);
        default -> throw new IllegalArgumentException("'" + value + "' is not a duration like 500ms, 30s, 5m or 2h");
      };
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("'" + value + "' is not a duration like 500ms, 30s, 5m or 2h");
    }
  }
}
