package io.leakguard.config;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A validated configuration: typed values of the declared options, plus the Kafka client properties. */
public final class Settings {

  private final Map<String, Object> values;
  private final Map<String, String> raw;
  private final Map<String, Object> kafka;

  Settings(Map<String, Object> values, Map<String, String> raw, Map<String, Object> kafka) {
    this.values = Map.copyOf(values);
    this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
    this.kafka = Collections.unmodifiableMap(new HashMap<>(kafka));
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    if (!values.containsKey(option.key())) {
      throw new IllegalStateException("option " + option.key() + " was not declared for this service");
    }
    return (T) values.get(option.key());
  }

  /** Kafka client properties: every {@code kafka.*} key with the prefix removed. */
  public Map<String, Object> kafka() {
    return kafka;
  }

  /** The effective text of every declared option, for a start-up summary. */
  public Map<String, String> describe() {
    return raw;
  }
}
