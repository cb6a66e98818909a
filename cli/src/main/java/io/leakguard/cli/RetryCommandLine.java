package io.leakguard.cli;

import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.edge.ManualReport;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code leakguard retry INCIDENT}: tries a FAILED remediation again now. It finds the incident's latest committed
 * outcome (as {@code restore} does) and reports the incident's AccessKey ID on the manual-reports topic: a new
 * sighting of a FAILED incident goes on through the pipeline and the remediator starts the next attempt at once,
 * reconciling with what the failed attempts did. An incident that did not fail is left alone (exit 1).
 */
@Command(name = "retry", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Try a FAILED remediation again now (only a FAILED one; anything else is left alone, exit 1).",
    footer = {"", "Example:", "  leakguard retry 6f1c0c4e-... --by alice"})
final class RetryCommandLine implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "INCIDENT", description = "the incident ID")
  String incident;

  @Option(names = "--by", paramLabel = "NAME", description = "who asks (default: the user name)")
  String by = System.getProperty("user.name", "unknown");

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    KafkaTarget target = kafka.target();
    Optional<RemediationOutcome> found = Restore.findOutcome(target, incident);
    if (found.isEmpty()) {
      System.err.println("leakguard retry: no outcome of incident " + incident + " on "
          + target.topics().remediationOutcomes().name());
      return Exits.FINDINGS;
    }
    RemediationOutcome outcome = found.get();
    if (outcome.getStatus() != RemediationStatus.FAILED) {
      System.err.println("leakguard retry: incident " + incident + " (" + outcome.getMaskedKey() + ") is "
          + outcome.getStatus() + ": only a FAILED remediation is retried");
      return Exits.FINDINGS;
    }
    Topic<String, ManualReport> topic = target.topics().manualReports();
    target.send(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
        outcome.getAccessKeyId(), new ManualReport(outcome.getAccessKeyId(), "retry of incident " + incident
            + " requested", by));
    System.out.println("retry of incident " + incident + " (" + KeyForms.mask(outcome.getAccessKeyId())
        + ", attempt " + outcome.getAttempt() + " FAILED) requested as " + by
        + "; the remediator starts the next attempt");
    return Exits.OK;
  }
}
