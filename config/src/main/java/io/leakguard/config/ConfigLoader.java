package io.leakguard.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

/**
 * Loads configuration in layers, each overriding the one before: code defaults, a properties file
 * ({@code --config FILE} or {@code LEAKGUARD_CONFIG}), environment variables ({@code LEAKGUARD_TOPIC_PREFIX} for
 * {@code topic.prefix}; {@code KAFKA_BOOTSTRAP_SERVERS} for {@code kafka.bootstrap.servers}), then command-line
 * flags ({@code --topic.prefix=x} or {@code --topic.prefix x}). A bad or unknown value fails with the key's name.
 *
 * <p>Cloud credentials are deliberately not options: they come only from the default credential chain.
 */
public final class ConfigLoader {

  private static final String ENV_PREFIX = "LEAKGUARD_";
  private static final String KAFKA_ENV_PREFIX = "KAFKA_";
  private static final String KAFKA_KEY_PREFIX = "kafka.";
  private static final String CONFIG_FILE_KEY = "config";

  private final List<Option<?>> options;
  private final Predicate<String> kafkaProperties;

  /** A loader that takes no Kafka property from the environment (a command without Kafka). */
  public ConfigLoader(List<Option<?>> options) {
    this(options, property -> false);
  }

  /**
   * @param kafkaProperties which Kafka properties a {@code KAFKA_*} variable may set: only real client or Streams
   *                        configs, so {@code KAFKA_HEAP_OPTS}, {@code KAFKA_OPTS} or a Kubernetes service link
   *                        ({@code KAFKA_PORT=tcp://10.0.0.1:9092}) are ignored
   */
  public ConfigLoader(List<Option<?>> options, Predicate<String> kafkaProperties) {
    this.kafkaProperties = kafkaProperties;
    Map<String, Option<?>> byKey = new LinkedHashMap<>();
    for (Option<?> option : options) {
      if (byKey.put(option.key(), option) != null) {
        throw new IllegalArgumentException("option " + option.key() + " is declared twice");
      }
    }
    this.options = List.copyOf(byKey.values());
  }

  public List<Option<?>> options() {
    return options;
  }

  /** Loads from this process's environment and the given flags. */
  public Settings load(String[] args) {
    return load(System.getenv(), List.of(args));
  }

  public Settings load(Map<String, String> env, List<String> args) {
    Map<String, String> flags = parseFlags(args);
    Map<String, String> merged = new LinkedHashMap<>();
    options.forEach(option -> {
      if (option.defaultValue() != null) {
        merged.put(option.key(), option.defaultValue());
      }
    });

    String file = flags.getOrDefault(CONFIG_FILE_KEY, env.get(ENV_PREFIX + "CONFIG"));
    if (file != null) {
      merged.putAll(readFile(Path.of(file)));
    }
    merged.putAll(fromEnvironment(env));
    flags.remove(CONFIG_FILE_KEY);
    merged.putAll(flags);
    return validate(merged);
  }

  private Settings validate(Map<String, String> merged) {
    Map<String, Object> values = new HashMap<>();
    Map<String, String> raw = new LinkedHashMap<>();
    Map<String, Object> kafka = new HashMap<>();
    Map<String, Option<?>> known = new HashMap<>();
    options.forEach(option -> known.put(option.key(), option));

    for (Map.Entry<String, String> entry : merged.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(KAFKA_KEY_PREFIX)) {
        kafka.put(key.substring(KAFKA_KEY_PREFIX.length()), entry.getValue());
      } else if (!known.containsKey(key)) {
        throw new ConfigException("unknown option '" + key + "'; known options: " + String.join(", ", known.keySet()));
      }
    }
    for (Option<?> option : options) {
      String text = merged.get(option.key());
      if (text == null || (option.required() && text.isBlank())) {
        if (option.key().startsWith(KAFKA_KEY_PREFIX)) {
          throw new ConfigException("missing required option '" + option.key() + "' (" + option.description() + ")");
        }
        throw new ConfigException("missing required option '" + option.key() + "' (" + option.description()
            + "); set it with --" + option.key() + "=VALUE or " + envName(option.key()));
      }
      try {
        values.put(option.key(), option.parser().apply(text));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("bad value for option '" + option.key() + "': " + e.getMessage());
      }
      raw.put(option.key(), text);
    }
    return new Settings(values, raw, kafka);
  }

  /** The environment variable that sets a key. */
  public static String envName(String key) {
    if (key.startsWith(KAFKA_KEY_PREFIX)) {
      return KAFKA_ENV_PREFIX + key.substring(KAFKA_KEY_PREFIX.length()).replace('.', '_').replace('-', '_')
          .toUpperCase(Locale.ROOT);
    }
    return ENV_PREFIX + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private Map<String, String> fromEnvironment(Map<String, String> env) {
    Map<String, String> byEnvName = new HashMap<>();
    for (Option<?> option : options) {
      byEnvName.put(envName(option.key()), option.key());
    }
    Map<String, String> found = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : env.entrySet()) {
      String name = entry.getKey();
      if (byEnvName.containsKey(name)) {
        found.put(byEnvName.get(name), entry.getValue());
      } else if (name.startsWith(KAFKA_ENV_PREFIX) && name.length() > KAFKA_ENV_PREFIX.length()) {
        // KAFKA_BOOTSTRAP_SERVERS -> kafka.bootstrap.servers: Kafka's keys are dotted lower case.
        String property = name.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
        if (kafkaProperties.test(property)) {
          found.put(KAFKA_KEY_PREFIX + property, entry.getValue());
        }
      }
      // Other LEAKGUARD_* variables (LEAKGUARD_HOME, LEAKGUARD_CONFIG, other services' options) are not ours.
    }
    return found;
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> values = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(name -> values.put(name.trim(), properties.getProperty(name).trim()));
    return values;
  }

  private static Map<String, String> parseFlags(List<String> args) {
    Map<String, String> flags = new LinkedHashMap<>();
    List<String> queue = new ArrayList<>(args);
    for (int i = 0; i < queue.size(); i++) {
      String arg = queue.get(i);
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new ConfigException("unexpected argument '" + arg + "'; options look like --key=value");
      }
      String body = arg.substring(2);
      int eq = body.indexOf('=');
      if (eq > 0) {
        flags.put(body.substring(0, eq), body.substring(eq + 1));
      } else if (i + 1 < queue.size() && !queue.get(i + 1).startsWith("--")) {
        flags.put(body, queue.get(++i));
      } else {
        throw new ConfigException("option --" + body + " needs a value");
      }
    }
    return flags;
  }
}
