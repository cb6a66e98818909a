package io.leakguard.deploy;

import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.edge.EdgeLimits;
import io.leakguard.schemas.edge.ManualReport;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code leakguard report --access-key-id ID [--reason TEXT] [--reporter NAME]}: a person reports a leaked key. Only
 * the AccessKey ID is given, never the secret; the report goes to the manual-reports topic and the detector folds it
 * into the key's incident like any other sighting.
 */
final class ReportCommand {

  private ReportCommand() {}

  static int run(String[] args, Map<String, String> env, Path localJson) throws Exception {
    KafkaTarget target;
    try {
      target = KafkaTarget.parse(args, env, localJson);
    } catch (IllegalArgumentException e) {
      System.err.println("report: " + e.getMessage());
      return 2;
    }
    String id = null;
    String reason = null;
    String reporter = env.getOrDefault("USER", "unknown");
    String[] a = target.rest().toArray(String[]::new);
    for (int i = 0; i < a.length; i++) {
      switch (a[i]) {
        case "--access-key-id" -> id = KafkaTarget.value(a, ++i, "--access-key-id");
        case "--reason" -> reason = KafkaTarget.value(a, ++i, "--reason");
        case "--reporter" -> reporter = KafkaTarget.value(a, ++i, "--reporter");
        default -> {
          System.err.println("report: unknown option '" + a[i] + "'\n" + usage());
          return 2;
        }
      }
    }
    if (id == null || !EdgeLimits.isAccessKeyId(id)) {
      System.err.println("report: --access-key-id needs an AccessKey ID (LTAI... or STS....); never give the secret\n"
          + usage());
      return 2;
    }
    Topic<String, ManualReport> topic = target.topics().manualReports();
    target.send(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), id,
        new ManualReport(id, reason, reporter));
    System.out.println("reported " + KeyForms.mask(id) + " to " + topic.name());
    return 0;
  }

  static String usage() {
    return "usage: leakguard report --access-key-id ID [--reason TEXT] [--reporter NAME] "
        + "[--bootstrap-servers HOST:PORT] [--topic-prefix PREFIX]";
  }
}
