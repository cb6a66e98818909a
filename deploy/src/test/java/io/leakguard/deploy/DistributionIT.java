package io.leakguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as a user gets it: {@code leakguard-<version>.tar.gz} unpacked into an empty directory and run as
 * a process with a JRE alone (no Maven on the PATH), from another working directory.
 */
class DistributionIT {

  @TempDir
  static Path root;
  static Path home;
  static Path elsewhere;

  @BeforeAll
  static void unpack() throws Exception {
    Path archive;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      archive = files.filter(f -> f.getFileName().toString().matches("leakguard-.+\\.tar\\.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no leakguard-<version>.tar.gz in target: run mvn package"));
    }
    Path unpacked = Files.createDirectories(root.resolve("install"));
    assertEquals(0, run(unpacked, List.of("tar", "xzf", archive.toAbsolutePath().toString())).exit());
    try (Stream<Path> dirs = Files.list(unpacked)) {
      home = dirs.findFirst().orElseThrow();
    }
    elsewhere = Files.createDirectories(root.resolve("elsewhere"));
  }

  private record Result(int exit, String stdout, String stderr) {}

  /** Runs a command in {@code dir} with only a JRE on the PATH (no Maven) and no LeakGuard or Kafka variables. */
  private static Result run(Path dir, List<String> command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("LEAKGUARD_") || k.startsWith("KAFKA_") || k.startsWith("MAVEN"));
    env.put("PATH", "/usr/bin:/bin");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("LEAKGUARD_LOCAL_DIR", dir.resolve("no-local-stack").toString());
    Path out = Files.createTempFile(root, "out", ".txt");
    Path err = Files.createTempFile(root, "err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(process.waitFor(90, TimeUnit.SECONDS), "timed out: " + command);
    return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Result leakguard(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("bin/leakguard").toString()));
    command.addAll(List.of(args));
    return run(elsewhere, command);
  }

  @Test
  void shouldHoldTheLauncherTheJarsAndTheCompletionButNoTestOrCoverageJar() throws Exception {
    assertTrue(Files.isExecutable(home.resolve("bin/leakguard")));
    assertTrue(Files.isRegularFile(home.resolve("LICENSE")));
    // Each service's RAM policy document, the same the local stack and the tests use
    assertEquals(DemoFleet.REMEDIATOR_POLICY, Files.readString(home.resolve("ram/remediator.json")));
    assertEquals(DemoFleet.ENRICHER_POLICY, Files.readString(home.resolve("ram/enricher.json")));
    assertEquals(DemoFleet.BRIDGE_POLICY, Files.readString(home.resolve("ram/bridge.json")));
    assertEquals(DemoFleet.MEMBER_ROLE_POLICY, Files.readString(home.resolve("ram/member-role.json")));
    assertEquals(DemoFleet.memberRoleTrustPolicy("${homeAccountId}"),
        Files.readString(home.resolve("ram/member-role-trust.json")));
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      List<String> names = jars.map(j -> j.getFileName().toString()).toList();
      assertTrue(names.stream().anyMatch(n -> n.startsWith("cli-")), names.toString());
      assertTrue(names.stream().anyMatch(n -> n.startsWith("kafka_2.13-")), "the local stack's broker");
      assertEquals(List.of(), names.stream().filter(n -> n.matches(".*(junit|jacoco|opentest4j|testkit|-tests\\.jar|"
          + "kafka-test-common|testcontainers|awaitility).*")).toList());
    }
    Path completion = home.resolve("completion/leakguard.bash");
    assertEquals(0, run(elsewhere, List.of("bash", "-n", completion.toString())).exit());
    assertTrue(Files.readString(completion).contains("demo"));
  }

  @Test
  void shouldRunFromAnyDirectoryAndTakeRelativePathsFromThere() throws Exception {
    // Given a leaked pair in a file next to where the user is, not next to the installation
    Files.writeString(elsewhere.resolve("app.env"), "ACCESS_KEY_ID=" + SyntheticKeys.accessKeyId()
        + "\nACCESS_KEY_SECRET=" + SyntheticKeys.secret() + "\n");

    Result scan = leakguard("scan", "./app.env");

    assertEquals(1, scan.exit(), scan.stderr());
    assertTrue(scan.stdout().startsWith("{\"path\":\"./app.env\",\"line\":1"), scan.stdout());
    Result missing = leakguard("scan", "./absent.env");
    assertEquals(2, missing.exit());
    assertTrue(missing.stderr().contains("./absent.env: no such file or directory"), missing.stderr());
  }

  @Test
  void shouldAnswerHelpVersionAndUsageErrorsWithoutAStackTrace() throws Exception {
    Result version = leakguard("--version");
    assertEquals(0, version.exit());
    assertTrue(version.stdout().startsWith("leakguard "), version.stdout());
    for (String[] help : new String[][] {{"demo", "--help"}, {"approve", "--help"}, {"run", "broker", "--help"},
        {"run", "remediator", "--help"}, {"run", "bridge", "--help"}}) {
      Result result = leakguard(help);
      assertEquals(0, result.exit(), String.join(" ", help) + ": " + result.stderr());
      assertTrue(result.stdout().contains("Usage: leakguard " + help[0]), result.stdout());
    }
    Result bad = leakguard("demo", "--bogus");
    assertEquals(2, bad.exit());
    assertTrue(bad.stderr().startsWith("leakguard demo: Unknown option: '--bogus'"), bad.stderr());
    assertFalse(bad.stderr().contains("\tat "), bad.stderr());
    Result noKafka = leakguard("approve", "some-incident");
    assertEquals(2, noKafka.exit());
    assertTrue(noKafka.stderr().startsWith("leakguard approve: where is Kafka?"), noKafka.stderr());
  }

  @Test
  void shouldExitThreeWhenKafkaCannotBeReached() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    Result report = leakguard("report", "--access-key-id", SyntheticKeys.accessKeyId(),
        "--kafka.bootstrap.servers=127.0.0.1:" + closedPort);

    assertEquals(3, report.exit(), report.stderr());
    assertTrue(report.stderr().startsWith("leakguard report: Kafka at 127.0.0.1:" + closedPort + " did not answer"),
        report.stderr());
    assertFalse(report.stderr().contains("WARN"), "the Kafka client's retries are not the user's business");
  }
}
