package io.leakguard.runtime;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The log format, chosen at start by {@code LEAKGUARD_LOG_FORMAT}; {@code cli/src/main/resources/logback.xml} routes
 * the root logger to the appender of that name. Read here only to reject a bad value before logging starts (logback
 * would otherwise log nothing for an unknown appender name).
 */
public enum LogFormat {
  /** One line of text per event (the default). */
  TEXT,
  /** One JSON object per line: {@link JsonLogEncoder}. */
  JSON;

  public static final String VARIABLE = "LEAKGUARD_LOG_FORMAT";

  /** The format named by the system property or, failing that, the environment variable, as logback looks it up. */
  public static LogFormat of(Properties system, Map<String, String> environment) {
    String value = system.getProperty(VARIABLE, environment.get(VARIABLE));
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

  /** The name used in the variable and as the appender name in logback.xml. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
