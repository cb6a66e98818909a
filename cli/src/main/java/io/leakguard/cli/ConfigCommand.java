package io.leakguard.cli;

import io.leakguard.config.ConfigLoader;
import io.leakguard.config.Option;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UnmatchedArgsBinding;
import picocli.CommandLine.ParseResult;

/**
 * A command whose options are LeakGuard configuration options ({@link Option}): each becomes a picocli option with
 * its description, environment variable and default in {@code --help}, so services and the operator commands that
 * take configuration share one flag style ({@code --key=VALUE} or {@code --key VALUE}). Any Kafka client or Streams
 * property is accepted as {@code --kafka.<property>=VALUE}. The parsed flags are handed to {@link ConfigLoader} as
 * {@code --key=VALUE}, where the layering (defaults, file, environment, flags) and validation happen.
 */
final class ConfigCommand {

  /** Marks the options that are configuration, so a caller's own options are not handed to the loader. */
  private static final String CONFIG_GROUP = "config";

  private ConfigCommand() {}

  /**
   * A command named {@code name} taking {@code options}; {@code action} gets the flags in ConfigLoader form and
   * returns the exit code.
   */
  static CommandSpec create(String name, String description, List<Option<?>> options, boolean kafkaProperties,
      Function<List<String>, Integer> action, String... footer) {
    return create(name, description, options, kafkaProperties, (flags, parsed) -> action.apply(flags), footer);
  }

  /** As above; {@code action} also gets the parse result, for the options and parameters a caller adds itself. */
  static CommandSpec create(String name, String description, List<Option<?>> options, boolean kafkaProperties,
      BiFunction<List<String>, ParseResult, Integer> action, String... footer) {
    List<String> unmatched = new ArrayList<>();
    CommandSpec[] self = new CommandSpec[1];
    Callable<Integer> call = () -> action.apply(flags(self[0], unmatched, kafkaProperties),
        self[0].commandLine().getParseResult());
    CommandSpec spec = CommandSpec.wrapWithoutInspection(call);
    self[0] = spec;
    spec.name(name);
    spec.mixinStandardHelpOptions(true);
    spec.usageMessage().description(description).sortOptions(false).abbreviateSynopsis(true).footer(footer);
    spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(String.class)
        .descriptionKey(CONFIG_GROUP).description("a properties file with any of these options (KEY=VALUE)").build());
    for (Option<?> option : options) {
      if (option.key().equals("kafka.bootstrap.servers")) {
        continue; // declared below with the shared rule's description
      }
      spec.addOption(OptionSpec.builder("--" + option.key()).paramLabel("VALUE").type(String.class)
          .descriptionKey(CONFIG_GROUP).description(option.description() + " (env " + ConfigLoader.envName(option.key())
              + (option.required() ? "; required)" : "; default: " + display(option.defaultValue()) + ")"))
          .build());
    }
    if (kafkaProperties) {
      spec.addOption(OptionSpec.builder("--kafka.bootstrap.servers").paramLabel("HOST:PORT").type(String.class)
          .descriptionKey(CONFIG_GROUP).description("Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS; else the running local stack's "
              + "local.json in $LEAKGUARD_LOCAL_DIR or .leakguard)").build());
      spec.addUnmatchedArgsBinding(UnmatchedArgsBinding.forStringArrayConsumer(new CommandLine.Model.ISetter() {
        @Override
        public <T> T set(T value) {
          if (value instanceof String[] args) {
            unmatched.addAll(List.of(args));
          }
          return null;
        }
      }));
    }
    return spec;
  }

  private static String display(String value) {
    return value == null || value.isEmpty() ? "none" : value;
  }

  /** The parsed options as {@code --key=VALUE}, plus the Kafka properties; a usage error for anything else. */
  private static List<String> flags(CommandSpec spec, List<String> unmatched, boolean kafkaProperties) {
    ParseResult parsed = spec.commandLine().getParseResult();
    List<String> flags = new ArrayList<>();
    for (OptionSpec option : parsed.matchedOptions()) {
      if (option.usageHelp() || option.versionHelp() || !CONFIG_GROUP.equals(option.descriptionKey())) {
        continue; // not a configuration option: the caller's own
      }
      flags.add(option.longestName() + "=" + option.getValue());
    }
    for (int i = 0; i < unmatched.size(); i++) {
      String arg = unmatched.get(i);
      if (!kafkaProperties || !arg.startsWith("--kafka.") || arg.length() <= "--kafka.".length()) {
        throw new Exits.UsageError("unknown option or argument '" + arg + "'");
      }
      if (arg.contains("=")) {
        flags.add(arg);
      } else if (i + 1 < unmatched.size() && !unmatched.get(i + 1).startsWith("--")) {
        flags.add(arg + "=" + unmatched.get(++i));
      } else {
        throw new Exits.UsageError("option " + arg + " needs a value");
      }
    }
    return flags;
  }

  /** Whether the flags or the environment name Kafka; else the local stack's Kafka is added, when it runs. */
  static List<String> withLocalKafka(List<String> flags) {
    if (flags.stream().anyMatch(f -> f.startsWith("--kafka.bootstrap.servers="))) {
      return flags;
    }
    String servers = KafkaTarget.bootstrapServers(null, System.getenv());
    if (servers == null || System.getenv("KAFKA_BOOTSTRAP_SERVERS") != null) {
      return flags;
    }
    List<String> with = new ArrayList<>(flags);
    with.add("--kafka.bootstrap.servers=" + servers);
    return with;
  }
}
