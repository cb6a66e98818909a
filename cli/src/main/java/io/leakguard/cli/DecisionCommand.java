package io.leakguard.cli;

import io.leakguard.console.ApprovalDecisions;
import io.leakguard.schemas.Decision;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code leakguard approve|reject INCIDENT}: a person's decision on a remediation waiting for approval. */
abstract class DecisionCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "INCIDENT", description = "the incident ID (from the notification)")
  String incident;

  @Option(names = "--by", paramLabel = "NAME", description = "who decides (default: the user name)")
  String by = System.getProperty("user.name", "unknown");

  @Option(names = "--comment", paramLabel = "TEXT", description = "why")
  String comment;

  @Mixin
  KafkaOptions kafka;

  abstract Decision decision();

  @Override
  public Integer call() throws Exception {
    KafkaTarget target = kafka.target();
    // The same record as the console's Approve and Reject buttons write.
    Approvals.send(target, ApprovalDecisions.of(incident, decision(), by, comment, Instant.now()));
    String verb = decision() == Decision.APPROVE ? "approved" : "rejected";
    System.out.println(verb + " incident " + incident + " as " + by + "; the remediator acts on it next");
    return Exits.OK;
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Approve a remediation waiting for approval; the remediator runs it next.",
      footer = {"", "Example:", "  leakguard approve 6f1c0c4e-... --by alice --comment 'owner confirmed'"})
  static final class Approve extends DecisionCommand {
    @Override
    Decision decision() {
      return Decision.APPROVE;
    }
  }

  @Command(name = "reject", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Reject a remediation waiting for approval; nothing is changed in the cloud.",
      footer = {"", "Example:", "  leakguard reject 6f1c0c4e-... --by alice --comment 'test key, already revoked'"})
  static final class Reject extends DecisionCommand {
    @Override
    Decision decision() {
      return Decision.REJECT;
    }
  }
}
