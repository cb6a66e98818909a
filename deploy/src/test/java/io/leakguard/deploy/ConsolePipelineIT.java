package io.leakguard.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.cli.Leakguard;
import io.leakguard.console.ConsoleApp;
import io.leakguard.console.ConsoleServer;
import io.leakguard.detector.DetectorApp;
import io.leakguard.emulator.Emulator;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.notifier.NotifierApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.StreamsService;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.Chromium;
import io.leakguard.testkit.ConsolePage;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console on the whole pipeline, in a real browser: detector, enricher, remediator (alice's account in approve
 * mode, contained while it waits), notifier and console on a real broker and the emulator over real HTTP, every
 * service with its own RRSA role. A SOC analyst signs in to the page, sees alice's leak appear waiting for a
 * decision, approves it from the page, and the remediator then rotates the key; {@code leakguard incidents} and
 * {@code leakguard incident} show the same incidents from the topics, before and after.
 */
class ConsolePipelineIT {

  private static final String PREFIX = "console-loop.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  static Path dir;
  static PipelineStack stack;
  static Emulator emulator;
  static String consoleUrl;
  static final String token = SyntheticKeys.random(40);
  static final String account = SyntheticKeys.accountId();
  /** In approve mode: contained, then rotated once approved. */
  static final String[] alice = {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
  /** In the built-in auto mode: rotated at once. */
  static final String[] bob = {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};

  @BeforeAll
  static void startEverything() throws Exception {
    TestFleet.Account fleet = TestFleet.account(account).alias("console").rootKey(SyntheticKeys.accessKeyId(),
            SyntheticKeys.secret())
        .policy("LeakGuardRemediator", DemoFleet.policy("remediator"))
        .policy("LeakGuardEnricher", DemoFleet.policy("enricher"))
        .user("alice", u -> u.email("alice@example.com").key(alice[0], alice[1]))
        .user("bob", u -> u.email("bob@example.com").key(bob[0], bob[1]));
    stack = PipelineStack.startRrsa(dir, PREFIX, fleet);
    emulator = stack.emulator();
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, """
        {"accounts":{"%s":{"users":{"alice":{"mode":"approve","contain":true}}}}}""".formatted(account));
    Path tokens = dir.resolve("console-tokens");
    Files.writeString(tokens, "# the SOC's analysts\nsoc-alice " + token + "\n");

    stack.start(new DetectorApp(), stack.cloudArgs());
    stack.start(new EnricherApp(), stack.cloudArgs());
    List<String> remediator = new ArrayList<>(List.of(stack.cloudArgs()));
    remediator.add("--remediation.policy.file=" + policy);
    stack.start(new RemediatorApp(), remediator.toArray(String[]::new));
    stack.start(new NotifierApp());
    StreamsService console = stack.start(new ConsoleApp(), "--console.port=0", "--console.bind=127.0.0.1",
        "--console.token.file=" + tokens);
    stack.awaitRunning(WAIT);
    consoleUrl = "http://127.0.0.1:" + console.resources(ConsoleServer.class).get(0).port() + "/";
  }

  @AfterAll
  static void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void shouldRotateAKeyOnceApprovedFromThePageAndShowItInTheTerminal() throws Exception {
    Path executable = Chromium.executable().orElse(null);
    Assumptions.assumeTrue(executable != null, "no chromium on the PATH (apt-get install chromium)");
    try (Chromium browser = new Chromium(executable, dir.resolve("profile"))) {
      // Given the page, signed in, live
      ConsolePage page = new ConsolePage(browser);
      page.signIn(consoleUrl, token);

      // When alice's and bob's key pairs leak after the page opened
      stack.leak("alice/.env", "ACCESS_KEY_ID=" + alice[0] + "\nACCESS_KEY_SECRET=" + alice[1]);
      stack.leak("bob/.env", "ACCESS_KEY_ID=" + bob[0] + "\nACCESS_KEY_SECRET=" + bob[1]);

      // Then bob's is rotated at once, and alice's is contained, waiting for a decision, and listed so on the page
      RemediationOutcome bobDone = stack.awaitValue(TOPICS.remediationOutcomes(), bob[0],
          o -> o.getStatus() == RemediationStatus.ROTATED, WAIT);
      RemediationOutcome contained = stack.awaitValue(TOPICS.remediationOutcomes(), alice[0], o -> true, WAIT);
      assertEquals(RemediationStatus.CONTAINED, contained.getStatus(), contained.getReason());
      String incident = contained.getIncidentId();
      assertEquals("Inactive", emulator.state().key(alice[0]).orElseThrow().status(), "contained: disabled");
      await().atMost(Chromium.patience()).until(() -> page.listed(incident, true));
      await().atMost(Chromium.patience()).until(() -> page.rowText(bobDone.getIncidentId()).contains("ROTATED"));
      assertTrue(page.rowText(incident).contains(io.leakguard.schemas.KeyForms.mask(alice[0])), page.rowText(incident));

      // And the terminal agrees: alice's incident alone waits for a decision
      Cli waiting = cli("incidents", "--status", "CONTAINED", "--json");
      assertEquals(0, waiting.exit(), waiting.err());
      JsonNode listed = JSON.readTree(waiting.out());
      assertEquals(1, listed.path("total").asInt(), waiting.out());
      assertEquals(incident, listed.path("incidents").get(0).path("incidentId").asText());
      assertTrue(listed.path("incidents").get(0).path("awaitingDecision").asBoolean());
      Cli table = cli("incidents");
      assertEquals(0, table.exit(), table.err());
      assertTrue(table.out().lines().anyMatch(l -> l.contains(incident) && l.contains("CONTAINED*")), table.out());
      assertTrue(table.out().lines().anyMatch(l -> l.contains(bobDone.getIncidentId()) && l.contains("ROTATED")),
          table.out());
      assertTrue(table.out().contains("2 incident(s)"), table.out());
      Cli shown = cli("incident", incident);
      assertEquals(0, shown.exit(), shown.err());
      assertTrue(shown.out().contains("Waits for a decision: leakguard approve|reject " + incident), shown.out());

      // When the analyst opens it on the page and approves it
      page.open(incident);
      assertTrue(page.decisionOffered());
      page.decide("approve", "owner confirmed the rotation");
      await().atMost(Chromium.patience()).until(() -> page.text("d-title").contains("APPROVE sent as soc-alice"));

      // Then the remediation happens: the leaked key is deleted and replaced, and the outcome names the approver
      RemediationOutcome rotated = stack.awaitValue(TOPICS.remediationOutcomes(), alice[0],
          o -> o.getStatus() == RemediationStatus.ROTATED, WAIT);
      assertEquals(incident, rotated.getIncidentId());
      assertEquals("soc-alice", rotated.getDecidedBy());
      assertTrue(emulator.state().key(alice[0]).isEmpty(), "the leaked key is deleted");
      assertTrue(emulator.state().key(rotated.getNewAccessKeyId()).isPresent(), "the new key exists");

      // And the page shows it without a reload: no longer waiting, rotated, decided by the analyst
      await().atMost(Chromium.patience()).until(() -> !page.listed(incident, true)
          && page.rowText(incident).contains("ROTATED"));
      await().atMost(Chromium.patience()).until(() -> page.text("d-summary").contains("soc-alice")
          && page.text("d-summary").contains("ROTATED"));
      assertFalse(page.decisionOffered(), "a rotated incident offers no decision");
      assertTrue(page.text("d-steps").contains("DeleteAccessKey"), page.text("d-steps"));

      // And so does the terminal, with the same JSON as the console's API
      Cli detail = cli("incident", incident, "--json");
      assertEquals(0, detail.exit(), detail.err());
      JsonNode d = JSON.readTree(detail.out());
      assertEquals("ROTATED", d.path("remediationStatus").asText());
      assertEquals("soc-alice", d.path("decidedBy").asText());
      assertFalse(d.path("awaitingDecision").asBoolean());
      List<String> steps = new ArrayList<>();
      d.path("steps").forEach(s -> steps.add(s.path("name").asText()));
      assertTrue(steps.contains("DeleteAccessKey"), steps.toString());
      List<String> stages = new ArrayList<>();
      d.path("timeline").path("stages").forEach(s -> stages.add(s.path("stage").asText()));
      assertTrue(stages.containsAll(List.of("sighted", "detected", "enriched")), stages.toString());
      assertEquals(2, cli("incidents", "--status", "ROTATED", "--json").json().path("total").asInt());
      assertEquals(0, cli("incidents", "--status", "CONTAINED", "--json").json().path("total").asInt());
      Cli unknown = cli("incident", "no-such-incident");
      assertEquals(1, unknown.exit());
      assertTrue(unknown.err().contains("no incident no-such-incident"), unknown.err());
    }
    // And no leaked secret, nor the console's token, is in any topic but the raw content the scanner was given
    stack.assertNoSecretInTopics(List.of(alice[1], bob[1], token), Set.of(TOPICS.rawContent().name()));
  }

  private record Cli(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  /** Runs the command line in this JVM against the test's broker, capturing what it prints. */
  private static synchronized Cli cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kafka.bootstrap.servers", stack.broker().bootstrapServers(), "--topic.prefix", PREFIX));
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
    ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
      int exit = Leakguard.execute(all.toArray(String[]::new));
      return new Cli(exit, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
