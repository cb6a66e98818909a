package io.leakguard.cli;

import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudOptions;
import io.leakguard.config.ConfigLoader;
import io.leakguard.config.Settings;
import java.time.Clock;
import java.util.ArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code leakguard restore INCIDENT [--force]}: re-attaches the policies a purge detached from a role (see
 * {@link Restore}). Takes the remediator's {@code --cloud.*} options; authenticates through the default credential
 * chain only.
 */
final class RestoreCommandLine {

  private RestoreCommandLine() {}

  static CommandLine create() {
    CommandSpec spec = ConfigCommand.create("restore", "Re-attach the policies a purge detached from a role, once the "
            + "role's maximum session has passed since the leak (read from the incident's outcome on the outcomes "
            + "topic). Credentials come from the default credential chain only.",
        new ArrayList<>(CloudOptions.ALL), false, (flags, parsed) -> {
          String incident = parsed.matchedPositional(0).getValue();
          boolean force = parsed.hasMatchedOption("--force");
          KafkaTarget target = KafkaTarget.locate(parsed.matchedOptionValue("--kafka.bootstrap.servers", null),
              parsed.matchedOptionValue("--topic.prefix", null), System.getenv());
          Settings settings = new ConfigLoader(new ArrayList<>(CloudOptions.ALL)).load(System.getenv(), flags);
          try (CloudFleet fleet = CloudFleet.fromDefaultChain(CloudOptions.settings(settings),
              CloudOptions.fleet(settings))) {
            return Restore.restore(target, incident, force, fleet, Clock.systemUTC());
          } catch (io.leakguard.cloud.CloudException e) {
            throw e.errorClass().retryable() ? new Exits.Unreachable(e.getMessage()) : new IllegalStateException(e);
          }
        }, "", "Exit codes: 0 restored, 1 refused (too early, or not a purged role), 2 usage, 3 unreachable.", "",
        "Example:", "  leakguard restore 6f1c0c4e-... --cloud.fleet=<member accounts>");
    spec.addPositional(PositionalParamSpec.builder().index("0").paramLabel("INCIDENT").type(String.class)
        .description("the incident ID of the purge").required(true).build());
    spec.addOption(OptionSpec.builder("--force").type(boolean.class).arity("0")
        .description("restore now, even though a token issued before the leak may still be valid").build());
    spec.addOption(OptionSpec.builder("--kafka.bootstrap.servers").paramLabel("HOST:PORT").type(String.class)
        .description("Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS, else the running local stack's "
            + "local.json)").build());
    spec.addOption(OptionSpec.builder("--topic.prefix").paramLabel("PREFIX").type(String.class)
        .description("topic name prefix (default: $LEAKGUARD_TOPIC_PREFIX, else leakguard.)").build());
    return new CommandLine(spec);
  }
}
