package io.leakguard.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The log format, chosen at start by {@code LEAKGUARD_LOG_FORMAT}; {@code cli/src/main/resources/logback.xml} passes
 * it to {@link LogFormatEncoder}. The CLI also reads it before logging starts, to refuse a bad value with a message
 * naming the variable (the encoder alone could only fall back to text).
 */
public enum LogFormat {
  /** One line of text per event (the default). */
  TEXT,
  /** One JSON object per line: {@link JsonLogEncoder}. */
  JSON;

  public static final String VARIABLE = "LEAKGUARD_LOG_FORMAT";

  /** The format named by the system property or, failing that, the environment variable, as logback looks it up. */
  public static LogFormat of(Properties system, Map<String, String> environment) {
    return of(system.getProperty(VARIABLE, environment.get(VARIABLE)));
  }

  /** The format of that name; text when null or blank. */
  public static LogFormat of(String value) {
    if (value == null || value.isBlank()) {
      return TEXT;
    }
    for (LogFormat format : values()) {
      if (format.configName().equals(value)) {
        return format;
      }
    }
    throw new IllegalArgumentException(VARIABLE + ": expected text or json, got '" + value + "'");
  }

  /** The name used in the variable. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
