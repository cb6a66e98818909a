package io.leakguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudOptions;
import io.leakguard.config.ConfigLoader;
import io.leakguard.config.Settings;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.RemediationOutcome;
import java.util.ArrayList;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code leakguard evidence INCIDENT}: prints the evidence record the remediator stored in KMS before the incident's
 * first destructive step, after checking its SHA-256 against the one in the incident's outcome. The outcome is read
 * from the outcomes topic (as {@code restore} does); the record with LeakGuard's credentials from the default chain and
 * the remediator's {@code --cloud.*} options.
 */
final class EvidenceCommandLine {

  private EvidenceCommandLine() {}

  static CommandLine create() {
    CommandSpec spec = ConfigCommand.create("evidence", "Print the evidence record of an incident (what its key, "
            + "owner or role and persistence were before LeakGuard changed anything), read from KMS and checked "
            + "against the SHA-256 in the incident's outcome. Credentials come from the default credential chain only.",
        new ArrayList<>(CloudOptions.ALL), false, (flags, parsed) -> {
          String incident = parsed.matchedPositional(0).getValue();
          KafkaTarget target = KafkaTarget.locate(parsed.matchedOptionValue("--kafka.bootstrap.servers", null),
              parsed.matchedOptionValue("--topic.prefix", null), System.getenv());
          Settings settings = new ConfigLoader(new ArrayList<>(CloudOptions.ALL)).load(System.getenv(), flags);
          try (CloudFleet fleet = CloudFleet.fromDefaultChain(CloudOptions.settings(settings),
              CloudOptions.fleet(settings))) {
            return print(target, incident, fleet);
          } catch (CloudException e) {
            throw e.errorClass().retryable() ? new Exits.Unreachable(e.getMessage()) : new IllegalStateException(e);
          }
        }, "", "Exit codes: 0 printed and verified, 1 no record or its hash does not match, 2 usage, 3 unreachable.",
        "", "Example:", "  leakguard evidence 6f1c0c4e-... --cloud.fleet=<member accounts>");
    spec.addPositional(PositionalParamSpec.builder().index("0").paramLabel("INCIDENT").type(String.class)
        .description("the incident ID").required(true).build());
    spec.addOption(OptionSpec.builder("--kafka.bootstrap.servers").paramLabel("HOST:PORT").type(String.class)
        .description("Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS, else the running local stack's "
            + "local.json)").build());
    spec.addOption(OptionSpec.builder("--topic.prefix").paramLabel("PREFIX").type(String.class)
        .description("topic name prefix (default: $LEAKGUARD_TOPIC_PREFIX, else leakguard.)").build());
    return new CommandLine(spec);
  }

  static int print(KafkaTarget target, String incident, CloudFleet fleet) throws CloudException {
    Optional<RemediationOutcome> found = Restore.findOutcome(target, incident);
    if (found.isEmpty() || found.get().getEvidenceSecret() == null) {
      System.err.println("leakguard evidence: incident " + incident + " has no evidence record on "
          + target.topics().remediationOutcomes().name() + (found.isEmpty() ? " (no outcome)" : " (nothing was "
          + "destroyed, or it was remediated before evidence records existed)"));
      return 1;
    }
    RemediationOutcome outcome = found.get();
    Optional<String> record = fleet.account(outcome.getOwner().getAccountId()).kms()
        .textVersion(outcome.getEvidenceSecret(), incident);
    if (record.isEmpty()) {
      System.err.println("leakguard evidence: KMS secret " + outcome.getEvidenceSecret() + " has no version "
          + incident);
      return 1;
    }
    String hash = KeyForms.fingerprint(record.get());
    if (!hash.equals(outcome.getEvidenceSha256())) {
      System.err.println("leakguard evidence: the record in " + outcome.getEvidenceSecret() + " has SHA-256 " + hash
          + ", the outcome says " + outcome.getEvidenceSha256() + ": it was changed after it was taken");
      return 1;
    }
    try {
      ObjectMapper json = new ObjectMapper();
      System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(record.get())));
    } catch (java.io.IOException e) {
      System.out.println(record.get());
    }
    System.err.println("sha256 " + hash + " matches the outcome of incident " + incident);
    return Exits.OK;
  }
}
