package io.leakguard.cli;

import io.leakguard.schemas.PauseSwitch;
import io.leakguard.schemas.Topic;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leakguard pause|resume [--account ID]}: the kill switch of automated remediation. A {@link PauseSwitch} keyed
 * by scope ({@code *} or the account) goes to the compacted control topic, which every remediator reads as a global
 * table: while a scope is paused nothing destructive happens there; new incidents are contained where the policy
 * allows and wait; resume lets them continue.
 */
abstract class PauseCommand implements Callable<Integer> {

  @Option(names = "--account", paramLabel = "ID", description = "one account (16 digits); default: the whole fleet")
  String account;

  @Option(names = "--by", paramLabel = "NAME", description = "who decides (default: the user name)")
  String by = System.getProperty("user.name", "unknown");

  @Option(names = "--reason", paramLabel = "TEXT", description = "why, for the people who read the outcomes")
  String reason;

  @Mixin
  KafkaOptions kafka;

  @Spec
  CommandLine.Model.CommandSpec spec;

  abstract boolean paused();

  @Override
  public Integer call() throws Exception {
    if (account != null && !account.matches("\\d{16}")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--account: '" + account
          + "' is not a 16-digit account ID");
    }
    String scope = account == null ? "*" : account;
    KafkaTarget target = kafka.target();
    Topic<String, PauseSwitch> topic = target.topics().control();
    target.publishWriterSchema(PauseSwitch.getClassSchema());
    target.send(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(), scope,
        PauseSwitch.newBuilder().setScope(scope).setPaused(paused()).setDecidedBy(by).setReason(reason)
            .setDecidedAt(Instant.now()).build());
    String where = account == null ? "the whole fleet" : "account " + account;
    System.out.println(paused()
        ? "paused automated remediation in " + where + " as " + by + ": nothing destructive happens there; new "
            + "incidents are contained where the policy allows and wait for 'leakguard resume"
            + (account == null ? "" : " --account " + account) + "'"
        : "resumed automated remediation in " + where + " as " + by + ": held incidents continue");
    return Exits.OK;
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Pause automated remediation (the kill switch): nothing destructive happens; new incidents are "
          + "contained where the policy allows and wait.",
      footer = {"", "Examples:", "  leakguard pause --reason 'investigating a false positive storm'",
          "  leakguard pause --account 1000000000000002 --by alice"})
  static final class Pause extends PauseCommand {
    @Override
    boolean paused() {
      return true;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Resume automated remediation paused by 'leakguard pause' or by a remediator's blast-radius "
          + "limit; held incidents continue.",
      footer = {"", "Examples:", "  leakguard resume", "  leakguard resume --account 1000000000000002 --by alice"})
  static final class Resume extends PauseCommand {
    @Override
    boolean paused() {
      return false;
    }
  }
}
