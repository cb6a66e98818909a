package io.leakguard.runtime;

import io.leakguard.config.ConfigException;
import io.leakguard.config.ConfigLoader;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one {@code main} of every service: load and validate configuration, start, wait, stop. Exit codes: 0 after a
 * requested stop, 1 when the service failed, 2 for a configuration error.
 */
public final class ServiceMain {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMain.class);

  private ServiceMain() {}

  /** The loader for a service's options: the runtime's plus the service's own. */
  public static ConfigLoader loader(ServiceDefinition definition) {
    List<Option<?>> options = new ArrayList<>(RuntimeOptions.ALL);
    options.addAll(definition.options());
    return new ConfigLoader(options, KafkaProperties::isKnown);
  }

  public static void run(ServiceDefinition definition, String[] args) {
    System.exit(runUntilStopped(definition, args));
  }

  public static int runUntilStopped(ServiceDefinition definition, String[] args) {
    ConfigLoader loader = loader(definition);
    if (Arrays.asList(args).contains("--help")) {
      System.out.println(usage(definition, loader));
      return 0;
    }
    Settings settings;
    try {
      settings = loader.load(args);
    } catch (ConfigException e) {
      System.err.println(definition.name() + ": " + e.getMessage());
      return 2;
    }
    return runUntilStopped(definition, settings);
  }

  /** Runs the service with settings already loaded and validated, until it is stopped; returns the exit code. */
  public static int runUntilStopped(ServiceDefinition definition, Settings settings) {
    StreamsService service;
    try {
      service = StreamsService.start(definition, settings);
    } catch (Exception e) {
      LOG.error("{} could not start: {}", definition.name(), Redactor.describe(e));
      return 1;
    }
    Thread hook = new Thread(service::close, definition.name() + "-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      service.awaitStopped(Duration.ofDays(36_500));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (service.failure() != null) {
      service.close();
      return 1;
    }
    return 0;
  }

  static String usage(ServiceDefinition definition, ConfigLoader loader) {
    StringBuilder text = new StringBuilder("usage: leakguard run " + definition.name() + " [--config FILE] [--KEY=VALUE ...]\n\n");
    text.append("Options (flag, environment variable, default):\n");
    for (Option<?> option : loader.options()) {
      text.append(String.format("  --%-28s %-34s %s%n      %s%n", option.key(), ConfigLoader.envName(option.key()),
          option.required() ? "(required)" : "[" + option.defaultValue() + "]", option.description()));
    }
    text.append("\nAny Kafka client or Streams property can be set as --kafka.<property>=VALUE or KAFKA_<PROPERTY>.\n");
    return text.toString();
  }
}
