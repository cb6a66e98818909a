package io.leakguard.cli;

import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.edge.EdgeLimits;
import io.leakguard.schemas.edge.ManualReport;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code leakguard report --access-key-id ID}: a person reports a leaked key. Only the AccessKey ID is given, never
 * the secret; the report goes to the manual-reports topic and the detector folds it into the key's incident like any
 * other sighting.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Report a leaked key by its AccessKey ID (never the secret) to the pipeline.",
    footer = {"", "Example:", "  leakguard report --access-key-id LTAI5t... --reason 'pasted in a public issue'"})
final class ReportCommandLine implements Callable<Integer> {

  @Option(names = "--access-key-id", required = true, paramLabel = "ID",
      description = "the leaked AccessKey ID (LTAI... or STS....)")
  String accessKeyId;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why it is reported")
  String reason;

  @Option(names = "--reporter", paramLabel = "NAME", description = "who reports it (default: the user name)")
  String reporter = System.getProperty("user.name", "unknown");

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    if (!EdgeLimits.isAccessKeyId(accessKeyId)) {
      throw new Exits.UsageError("--access-key-id needs an AccessKey ID (LTAI... or STS....); never give the secret");
    }
    KafkaTarget target = kafka.target();
    Topic<String, ManualReport> topic = target.topics().manualReports();
    target.send(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), accessKeyId,
        new ManualReport(accessKeyId, reason, reporter));
    System.out.println("reported " + KeyForms.mask(accessKeyId) + " to " + topic.name());
    return Exits.OK;
  }
}
