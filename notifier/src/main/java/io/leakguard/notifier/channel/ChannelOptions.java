package io.leakguard.notifier.channel;

import io.leakguard.config.Option;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Fields several channel types share, parsed the way the service's own options are. */
final class ChannelOptions {

  static final String DEFAULT_TIMEOUT = "5s";

  private static final Option<Duration> TIMEOUT = Option.duration("timeout", DEFAULT_TIMEOUT,
      "time limit of one delivery");

  private ChannelOptions() {}

  /** {@code timeout}: {@code 500ms}, {@code 5s}, ... ({@value #DEFAULT_TIMEOUT} when absent); must be positive. */
  static Duration timeout(ChannelConfig config) {
    String text = config.optional("timeout").orElse(DEFAULT_TIMEOUT);
    Duration timeout;
    try {
      timeout = TIMEOUT.parser().apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(config.path("timeout") + ": " + e.getMessage());
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(config.path("timeout") + ": must be more than 0");
    }
    return timeout;
  }

  static boolean bool(ChannelConfig config, String key, boolean defaultValue) {
    Option<Boolean> option = Option.bool(key, defaultValue, key);
    try {
      return option.parser().apply(config.optional(key).orElse(option.defaultValue()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(config.path(key) + ": " + e.getMessage());
    }
  }

  /**
   * {@code text} cut to at most {@code maxBytes} bytes of UTF-8 on a character boundary, ending in an ellipsis when
   * cut: WeCom counts its limits in bytes, and Chinese text takes three bytes a character.
   */
  static String truncateUtf8(String text, int maxBytes) {
    if (text.getBytes(StandardCharsets.UTF_8).length <= maxBytes) {
      return text;
    }
    String ellipsis = "…";
    int budget = maxBytes - ellipsis.getBytes(StandardCharsets.UTF_8).length;
    int bytes = 0;
    int end = 0;
    while (end < text.length()) {
      int codePoint = text.codePointAt(end);
      int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > budget) {
        break;
      }
      bytes += size;
      end += Character.charCount(codePoint);
    }
    return text.substring(0, end) + ellipsis;
  }

  /** {@code text} cut to at most {@code max} characters (UTF-16 units, as Slack counts), ending in an ellipsis. */
  static String truncateChars(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + "…";
  }
}
