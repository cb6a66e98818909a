package io.leakguard.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The command line in-process: help everywhere, one-line errors, exit codes. */
class LeakguardTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine command = Leakguard.commandLine();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  /** Every command and subcommand, as the words that name it. */
  static Stream<List<String>> commands() {
    List<List<String>> all = new ArrayList<>();
    collect(Leakguard.commandLine(), new ArrayList<>(), all);
    return all.stream();
  }

  private static void collect(CommandLine command, List<String> path, List<List<String>> all) {
    all.add(List.copyOf(path));
    command.getSubcommands().forEach((name, sub) -> {
      List<String> next = new ArrayList<>(path);
      next.add(name);
      collect(sub, next, all);
    });
  }

  @ParameterizedTest
  @MethodSource("commands")
  void shouldGiveHelpWithOptionsAndAnExample(List<String> command) {
    List<String> args = new ArrayList<>(command);
    args.add("--help");

    int exit = execute(args.toArray(String[]::new));

    assertEquals(0, exit, err.toString());
    String help = out.toString();
    assertTrue(help.startsWith("Usage: " + String.join(" ", List.of("leakguard", String.join(" ", command))).trim()),
        help);
    assertTrue(help.contains("-h, --help"), help);
    assertTrue(help.contains("Example"), "no example in the help of " + command + ":\n" + help);
  }

  @Test
  void shouldKnowEveryServiceAndOperatorCommand() {
    List<String> names = commands().map(c -> String.join(" ", c)).toList();
    assertTrue(names.containsAll(List.of("run detector", "run enricher", "run remediator", "run notifier", "run bridge",
        "scan", "report", "approve", "reject", "pause", "resume", "retry", "restore", "evidence", "generate-completion")),
        names.toString());
    // The local stack is the distribution's: the cli alone (what an image holds) has none of it
    assertFalse(names.contains("local") || names.contains("demo") || names.contains("run broker"), names.toString());
  }

  @Test
  void shouldAnswerABadFlagWithOneLineAndTheUsageAndExitTwo() {
    int exit = execute("scan", "--frobnicate", "x");

    assertEquals(2, exit);
    String[] lines = err.toString().split("\n");
    assertEquals("leakguard scan: Unknown option: '--frobnicate'", lines[0]);
    assertTrue(err.toString().contains("Usage: leakguard scan"), err.toString());
    assertFalse(err.toString().contains("\tat "), "a stack trace: " + err);
  }

  @Test
  void shouldExitTwoForUnknownCommandsMissingArgumentsAndBadConfiguration() {
    assertEquals(2, execute("frobnicate"));
    assertEquals(2, execute());
    assertEquals(2, execute("approve"));
    assertEquals(2, execute("run"));
    assertEquals(2, execute("run", "detector", "--health.port=eighty"));
    assertTrue(err.toString().contains("leakguard run detector: "), err.toString());
    assertFalse(err.toString().contains("\tat "), "a stack trace: " + err);
    assertEquals(2, execute("report", "--access-key-id", "not-a-key-id", "--kafka.bootstrap.servers=127.0.0.1:1"));
  }

  @Test
  void shouldNeverEchoASecretPastedAsAFlag() {
    String secret = SyntheticKeys.secret();

    int exit = execute("report", "--access-key-secret=" + secret);

    assertEquals(2, exit);
    assertFalse(err.toString().contains(secret), err.toString());
    assertFalse(out.toString().contains(secret));
  }

  @Test
  void shouldPrintItsVersion() {
    assertEquals(0, execute("--version"));
    assertTrue(out.toString().matches("(?s)leakguard \\d+\\.\\d+\\.\\d+.*"), out.toString());
  }

  @Test
  void shouldPrintACompletionScript() {
    assertEquals(0, execute("generate-completion"));
    assertTrue(out.toString().contains("complete -F"), out.toString());
    assertTrue(out.toString().contains("approve"));
  }
}
