package io.leakguard.deploy;

import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.ManualReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code leakguard retry INCIDENT [--by NAME]}: tries a FAILED remediation again now. It finds the incident's latest
 * committed outcome (as {@code restore} does) and reports the incident's AccessKey ID on the manual-reports topic: a
 * new sighting of a FAILED incident goes on through the pipeline and the remediator starts the next attempt at once,
 * reconciling with what the failed attempts did. An incident that did not fail is left alone (exit 1).
 */
final class RetryCommand {

  private RetryCommand() {}

  static int run(String[] argv) {
    List<String> args = new ArrayList<>(List.of(argv));
    try {
      Approvals.Target target = Approvals.Target.from(args, System.getenv());
      String by = Optional.ofNullable(Approvals.take(args, "--by")).orElse(System.getProperty("user.name", "unknown"));
      if (args.size() != 1 || args.get(0).startsWith("-")) {
        System.err.println(usage());
        return 2;
      }
      String incident = args.get(0);
      Optional<RemediationOutcome> found = Restore.findOutcome(target, incident);
      if (found.isEmpty()) {
        System.err.println("leakguard retry: no outcome of incident " + incident + " on "
            + new TopicCatalog(target.topicPrefix()).remediationOutcomes().name());
        return 1;
      }
      RemediationOutcome outcome = found.get();
      if (outcome.getStatus() != RemediationStatus.FAILED) {
        System.err.println("leakguard retry: incident " + incident + " (" + outcome.getMaskedKey() + ") is "
            + outcome.getStatus() + ": only a FAILED remediation is retried");
        return 1;
      }
      Topic<String, ManualReport> topic = new TopicCatalog(target.topicPrefix()).manualReports();
      KafkaTarget sender = new KafkaTarget(target.bootstrapServers(), new TopicCatalog(target.topicPrefix()),
          List.of());
      sender.send(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
          outcome.getAccessKeyId(), new ManualReport(outcome.getAccessKeyId(), "retry of incident " + incident
              + " requested", by));
      System.out.println("retry of incident " + incident + " (" + KeyForms.mask(outcome.getAccessKeyId())
          + ", attempt " + outcome.getAttempt() + " FAILED) requested as " + by
          + "; the remediator starts the next attempt");
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("leakguard retry: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      System.err.println("leakguard retry: " + e.getMessage());
      return 1;
    }
  }

  static String usage() {
    return "usage: leakguard retry INCIDENT [--by NAME] [--bootstrap-servers HOST:PORT] [--topic-prefix P]";
  }
}
