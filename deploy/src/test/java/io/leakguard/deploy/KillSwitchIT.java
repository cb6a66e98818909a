package io.leakguard.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cli.Leakguard;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.KeyView;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.PauseSwitch;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded automation on a real broker, the remediator against the emulator over HTTP (it reads leaks straight from
 * {@code leaks.enriched}): the kill switch of {@code leakguard pause}/{@code resume}, and the blast-radius limit
 * under a storm in one account.
 */
class KillSwitchIT {

  private static final String PREFIX = "ks.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);
  private static final String CONTAIN = "{\"default\":{\"contain\":true}}";

  @TempDir
  Path dir;
  PipelineStack stack;
  final String account = SyntheticKeys.accountId();

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  /** The stack with {@code users} users in the account, each with one key; the remediator with {@code extra}. */
  private List<String[]> start(int users, String... extra) throws Exception {
    List<String[]> keys = new ArrayList<>();
    TestFleet.Account fleet = TestFleet.account(account).alias("ks")
        .policy("LeakGuardRemediator", DemoFleet.REMEDIATOR_POLICY);
    for (int i = 0; i < users; i++) {
      String[] pair = {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
      keys.add(pair);
      fleet.user("u" + i, u -> u.key(pair[0], pair[1]));
    }
    stack = PipelineStack.startRrsa(dir, PREFIX, fleet, Map.of("remediator", "LeakGuardRemediator"));
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, CONTAIN);
    List<String> args = new ArrayList<>(List.of(stack.cloudArgs()));
    args.add("--remediation.policy.file=" + policy);
    args.addAll(List.of(extra));
    stack.start(new RemediatorApp(), args.toArray(String[]::new));
    stack.awaitRunning(Duration.ofSeconds(90));
    return keys;
  }

  private void leak(KafkaProducer<String, LeakEnriched> producer, int user, String[] key) throws Exception {
    Instant now = Instant.now();
    producer.send(new ProducerRecord<>(TOPICS.leaksEnriched().name(), key[0], LeakEnriched.newBuilder()
        .setIncidentId("inc-" + user).setAccessKeyId(key[0]).setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey(KeyForms.mask(key[0]))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("ks:file").build())
        .setOwner(Owner.newBuilder().setAccountId(account).setUserName("u" + user).build())
        .setOwnerKind(OwnerKind.RAM_USER)
        .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).setEnrichedAt(now).build())
        .build())).get();
  }

  private KafkaProducer<String, LeakEnriched> producer() {
    return new KafkaProducer<>(Map.of("bootstrap.servers", stack.broker().bootstrapServers(), "acks", "all"),
        TOPICS.leaksEnriched().keySerde().serializer(), TOPICS.leaksEnriched().valueSerde().serializer());
  }

  private int cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--kafka.bootstrap.servers", stack.broker().bootstrapServers(), "--topic.prefix", PREFIX));
    return Leakguard.execute(all.toArray(String[]::new));
  }

  private long deletions() throws Exception {
    return stack.events(10_000).stream().filter(e -> "DeleteAccessKey".equals(e.path("eventName").asText())
        && e.path("errorCode").asText().isEmpty()).count();
  }

  @Test
  void shouldDestroyNothingWhilePausedAndCarryOnWhenResumed() throws Exception {
    List<String[]> keys = start(2);
    // Given a person pauses the account
    assertEquals(0, cli("pause", "--account", account, "--by", "soc-alice", "--reason", "drill"));
    PauseSwitch pause = stack.awaitValue(TOPICS.control(), account, p -> true, Duration.ofSeconds(30));
    assertTrue(pause.getPaused());

    // When a key of it leaks
    try (KafkaProducer<String, LeakEnriched> producer = producer()) {
      leak(producer, 0, keys.get(0));
    }

    // Then it is contained (disabled, reversible) and waits, nothing deleted
    RemediationOutcome held = stack.awaitValue(TOPICS.remediationOutcomes(), keys.get(0)[0], o -> true,
        Duration.ofSeconds(60));
    assertEquals(RemediationStatus.CONTAINED, held.getStatus(), held.getReason());
    assertTrue(held.getReason().contains("paused in account " + account + " by soc-alice (drill)"), held.getReason());
    assertEquals("Inactive", stack.emulator().state().key(keys.get(0)[0]).map(KeyView::status).orElse("gone"));
    assertEquals(0, deletions());

    // And once the account is resumed, the incident is rotated
    assertEquals(0, cli("resume", "--account", account, "--by", "soc-alice"));
    RemediationOutcome rotated = stack.awaitValue(TOPICS.remediationOutcomes(), keys.get(0)[0],
        o -> o.getStatus() == RemediationStatus.ROTATED, Duration.ofSeconds(60));
    assertTrue(stack.emulator().state().key(keys.get(0)[0]).isEmpty(), "the leaked key is deleted");
    assertEquals(1, deletions());
    assertEquals(RemediationStatus.ROTATED, rotated.getStatus());
    // and a bad scope is a usage error
    assertEquals(2, cli("pause", "--account", "12"));
  }

  @Test
  void shouldStopAStormAtTheBlastRadiusAndHoldTheRestContained() throws Exception {
    // Given a limit of 5 destructive actions a minute per account, and 50 leaks in one account at once
    int storm = 50;
    List<String[]> keys = start(storm, "--remediation.blast.account.per.minute=5");
    try (KafkaProducer<String, LeakEnriched> producer = producer()) {
      for (int i = 0; i < storm; i++) {
        leak(producer, i, keys.get(i));
      }
    }

    // Then every leak has an outcome: 5 rotated, the rest contained and held
    Map<String, RemediationOutcome> latest = new java.util.HashMap<>();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
        .until(() -> {
          for (var record : stack.readAll(TOPICS.remediationOutcomes().name(), "read_committed")) {
            latest.put(new String(record.key(), java.nio.charset.StandardCharsets.UTF_8), TOPICS.remediationOutcomes()
                .valueSerde().deserializer().deserialize(TOPICS.remediationOutcomes().name(), record.value()));
          }
          return latest.size() >= storm;
        });
    List<RemediationOutcome> outcomes = List.copyOf(latest.values());
    long rotated = outcomes.stream().filter(o -> o.getStatus() == RemediationStatus.ROTATED).count();
    long contained = outcomes.stream().filter(o -> o.getStatus() == RemediationStatus.CONTAINED
        && o.getReason().contains("blast radius: 5 destructive actions in account " + account)).count();
    assertEquals(5, rotated, outcomes.stream().map(o -> o.getStatus() + " " + o.getReason()).toList().toString());
    assertEquals(storm - 5, contained);
    // and the emulator saw exactly 5 deletions in that minute, every held key disabled, none deleted
    assertEquals(5, deletions());
    assertEquals(storm - 5, stack.emulator().state().snapshot().keys().stream()
        .filter(k -> k.userName() != null && k.userName().startsWith("u") && "Inactive".equals(k.status())).count());
    // and the remediator paused the account itself, with the reason
    PauseSwitch pause = stack.awaitValue(TOPICS.control(), account, p -> true, Duration.ofSeconds(30));
    assertTrue(pause.getPaused());
    assertEquals("remediator (blast radius)", pause.getDecidedBy());
    assertTrue(pause.getReason().startsWith("blast radius: 5 destructive actions"), pause.getReason());
    System.out.printf("blast radius: %d leaks in one account, limit 5/minute: %d rotated, %d contained and held, "
        + "%d deletions%n", storm, rotated, contained, deletions());
  }
}
