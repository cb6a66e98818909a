package io.leakguard.deploy;

import io.leakguard.cli.Leakguard;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.leakguard.detector.DetectorApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Faults;
import io.leakguard.emulator.KeyView;
import io.leakguard.notifier.NotifierApp;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.Decision;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline against hostile and failing conditions, on a real broker with the emulator over HTTP:
 * <ol>
 *   <li>every topic LeakGuard reads (edge, internal, global) gets random bytes, empty and null values, wrong schemas,
 *       oversized fields and deep nesting while good leaks flow: every service keeps RUNNING, every good leak is
 *       remediated once, every bad record is a dead letter of the right service naming its coordinates;</li>
 *   <li>secrets planted in every metadata field of every edge format, plain and encoded, reach no topic LeakGuard
 *       writes (changelogs and repartitions included, read_uncommitted), no state directory and no log line;</li>
 *   <li>a real AccessKey ID next to a secret that is not its own rotates nothing;</li>
 *   <li>with DeleteAccessKey throttled 100 %, leaks end FAILED with the key still live; once the fault clears, the
 *       first scheduled retry deletes them, and a new sighting retries at once.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RobustnessIT {

  private static final String PREFIX = "rb.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);
  private static final Duration WAIT = Duration.ofSeconds(90);
  /**
   * The remediator's retry schedule. The first delay must comfortably exceed the time from the first throttled failure
   * to the test clearing the fault (five leaks failing, their outcomes read), on a loaded machine too: with 4 s the
   * first retry sometimes still hit the fault. The 10 min after it is the "far off" retry a new sighting overtakes.
   */
  private static final String RETRY_SCHEDULE = "--remediation.retry.schedule=15s,10m";

  @TempDir
  static Path dir;
  static PipelineStack stack;
  static KafkaFixture broker;
  static Emulator emulator;
  static final String account = SyntheticKeys.accountId();
  static final Map<String, String[]> users = new LinkedHashMap<>();
  static final Set<String> mustNotLeak = ConcurrentHashMap.newKeySet();
  /** The secret sighted with dave's ID that is not his (test 3), sighted again after the restart (test 6). */
  static final String daveRumor = SyntheticKeys.secret();

  @BeforeAll
  static void startEverything() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      names.add("user" + i);
    }
    names.addAll(List.of("dave", "f0", "f1", "f2", "f3", "f4", "grace", "henry"));
    TestFleet.Account seed = TestFleet.account(account)
        .policy("LeakGuardRemediator", DemoFleet.REMEDIATOR_POLICY)
        .policy("LeakGuardEnricher", DemoFleet.ENRICHER_POLICY);
    for (String name : names) {
      String[] key = {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
      users.put(name, key);
      mustNotLeak.add(key[1]);
      seed.user(name, u -> u.key(key[0], key[1]));
    }
    mustNotLeak.add(daveRumor);
    stack = PipelineStack.startRrsa(dir, PREFIX, seed);
    broker = stack.broker();
    emulator = stack.emulator();
    start(new DetectorApp());
    start(new EnricherApp());
    // Fail fast under the throttling fault (one attempt per call, one round), retry 15 s after the first failure.
    start(new RemediatorApp(), "--cloud.max.attempts=1", "--remediation.max.rounds=1", RETRY_SCHEDULE);
    start(new NotifierApp());
    await().atMost(WAIT).until(() -> stack.allRunning());
  }

  /** Starts a service, on the emulator if it calls the cloud (the notifier does not), then {@code extra}. */
  private static void start(ServiceDefinition definition, String... extra) throws Exception {
    List<String> args = new ArrayList<>(definition instanceof NotifierApp ? List.of() : List.of(stack.cloudArgs()));
    args.addAll(List.of(extra));
    stack.start(definition, args.toArray(String[]::new));
  }

  @AfterAll
  static void stopEverything() {
    if (stack != null) {
      stack.close();
    }
  }

  /** A bad record sent, and the services that must dead-letter it. */
  private record Bad(String what, RecordMetadata at, List<String> services) {}

  @Test
  @Order(1)
  void shouldDeadLetterEveryHostileRecordAndRemediateEveryGoodLeakOnce() throws Exception {
    Random random = new Random(14);
    byte[] noise = new byte[512];
    random.nextBytes(noise);
    byte[] otherSchema = AvroSerde.of(ApprovalDecision.class).serializer().serialize("x", ApprovalDecision
        .newBuilder().setIncidentId("i").setDecision(Decision.APPROVE).setDecidedBy("x").setDecidedAt(Instant.now())
        .build());
    String huge = "LTAI" + "A".repeat(400_000);
    String deep = "[".repeat(5000) + "]".repeat(5000);
    Map<String, byte[]> anyTopic = new LinkedHashMap<>();
    anyTopic.put("random bytes", noise);
    anyTopic.put("empty", new byte[0]);
    anyTopic.put("deep nesting", ("{\"a\":" + deep + "}").getBytes(StandardCharsets.UTF_8));
    Map<String, byte[]> idTopics = new LinkedHashMap<>();
    idTopics.put("a number for an ID", "{\"accessKeyId\":12345,\"AccesskeyId\":12345}".getBytes(StandardCharsets.UTF_8));
    idTopics.put("a 400 KB ID", ("{\"accessKeyId\":\"" + huge + "\",\"AccesskeyId\":\"" + huge + "\"}")
        .getBytes(StandardCharsets.UTF_8));

    String detectorApp = "leakguard-detector-";
    Map<String, List<String>> readers = new LinkedHashMap<>();
    readers.put(TOPICS.rawContent().name(), List.of("detector"));
    readers.put(TOPICS.githubAlerts().name(), List.of("detector"));
    readers.put(TOPICS.securityCenterAlerts().name(), List.of("detector"));
    readers.put(TOPICS.manualReports().name(), List.of("detector"));
    readers.put(TOPICS.remediationOutcomes().name(), List.of("detector", "notifier"));
    readers.put(detectorApp + "sightings-repartition", List.of("detector"));
    readers.put(detectorApp + "outcomes-by-key-repartition", List.of("detector"));
    readers.put(TOPICS.leaksDetected().name(), List.of("enricher"));
    readers.put(TOPICS.inventory().name(), List.of("enricher"));
    readers.put(TOPICS.leaksEnriched().name(), List.of("remediator"));
    readers.put(TOPICS.approvals().name(), List.of("remediator"));
    readers.put(TOPICS.probeVerdicts().name(), List.of("detector"));
    readers.put(TOPICS.control().name(), List.of("remediator"));
    Set<String> globals = Set.of(TOPICS.inventory().name(), TOPICS.approvals().name(), TOPICS.probeVerdicts().name(),
        TOPICS.control().name());
    Set<String> edges = Set.of(TOPICS.rawContent().name(), TOPICS.githubAlerts().name(),
        TOPICS.securityCenterAlerts().name(), TOPICS.manualReports().name());

    List<Bad> bad = new ArrayList<>();
    List<String> good = List.of("user0", "user1", "user2", "user3", "user4");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      int leak = 0;
      for (Map.Entry<String, List<String>> reader : readers.entrySet()) {
        String topic = reader.getKey();
        Map<String, byte[]> payloads = new LinkedHashMap<>(anyTopic);
        if (edges.contains(topic)) {
          payloads.put("an Avro record on a JSON topic", otherSchema);
        } else {
          // An ApprovalDecision is valid on approvals: there, another schema is a Timeline.
          payloads.put("a record of another schema", topic.equals(TOPICS.approvals().name())
              ? AvroSerde.of(io.leakguard.schemas.Timeline.class).serializer().serialize("x",
                  io.leakguard.schemas.Timeline.newBuilder().setSightedAt(Instant.now()).setDetectedAt(Instant.now())
                      .build())
              : otherSchema);
          payloads.put("JSON on an Avro topic", "{\"incidentId\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        }
        if (topic.equals(TOPICS.manualReports().name()) || topic.equals(TOPICS.securityCenterAlerts().name())) {
          payloads.putAll(idTopics);
        }
        if (topic.equals(TOPICS.githubAlerts().name())) {
          payloads.put("an alert without action", ("{\"alert\":{\"number\":1,\"secret_type\":"
              + "\"alibaba_cloud_access_key_id\",\"secret\":\"" + users.get("user9")[0] + "\"}}")
              .getBytes(StandardCharsets.UTF_8));
        }
        if (!globals.contains(topic)) {
          payloads.put("a null value", null); // on a compacted global topic a null is a legitimate tombstone
        }
        for (Map.Entry<String, byte[]> payload : payloads.entrySet()) {
          RecordMetadata at = producer.send(new ProducerRecord<>(topic, ("bad-" + bad.size()).getBytes(),
              payload.getValue())).get();
          bad.add(new Bad(payload.getKey() + " on " + topic, at, reader.getValue()));
        }
        // Good leaks flow between the bad records.
        if (leak < good.size()) {
          String[] key = users.get(good.get(leak++));
          producer.send(new ProducerRecord<>(TOPICS.rawContent().name(), "good".getBytes(), ("{\"source\":\"it\","
              + "\"location\":\"app/.env\",\"content\":\"AK=" + key[0] + "\\nSK=" + key[1] + "\"}")
              .getBytes(StandardCharsets.UTF_8))).get();
        }
      }
    }

    // Then every good leak is rotated, once
    for (String user : good) {
      List<RemediationOutcome> outcomes = awaitValues(TOPICS.remediationOutcomes(), users.get(user)[0], 1);
      assertEquals(RemediationStatus.ROTATED, outcomes.get(0).getStatus(), outcomes.get(0).getReason());
      assertTrue(emulator.state().key(users.get(user)[0]).isEmpty());
    }
    // And every bad record is a dead letter of each service that reads its topic, with its reason
    Map<String, List<DeadLetter>> letters = new HashMap<>();
    List<String> missing = new ArrayList<>();
    try {
      await().atMost(WAIT).until(() -> {
        for (String service : List.of("detector", "enricher", "remediator", "notifier")) {
          letters.put(service, readAll(TOPICS.deadLetters(service), "read_committed"));
        }
        missing.clear();
        bad.forEach(b -> b.services().stream().filter(s -> letterOf(letters.get(s), b) == null)
            .forEach(s -> missing.add(s + " has no dead letter of " + b.what())));
        return missing.isEmpty();
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(String.join("\n", missing), e);
    }
    for (Bad b : bad) {
      for (String service : b.services()) {
        DeadLetter letter = letterOf(letters.get(service), b);
        assertNotNull(letter.getReason(), b.what());
        assertFalse(letter.getReason().isBlank(), b.what());
      }
    }
    assertTrue(stack.allRunning());
    // The good leaks were remediated exactly once, so no further outcome appears for them.
    for (String user : good) {
      assertEquals(1, awaitValues(TOPICS.remediationOutcomes(), users.get(user)[0], 1).size());
    }
  }

  private static DeadLetter letterOf(List<DeadLetter> letters, Bad bad) {
    return letters.stream().filter(l -> bad.at().topic().equals(l.getSourceTopic())
        && Integer.valueOf(bad.at().partition()).equals(l.getSourcePartition())
        && Long.valueOf(bad.at().offset()).equals(l.getSourceOffset())).findFirst().orElse(null);
  }

  @Test
  @Order(2)
  void shouldNeverCopyASecretPlantedInAnyMetadataField() throws Exception {
    // Given a leak on each edge format whose every free-text field carries a planted secret, plain and encoded
    String planted = SyntheticKeys.secret();
    List<String> forms = encodings(planted);
    mustNotLeak.addAll(forms);
    String plain = forms.get(0);
    String percent = forms.get(1);
    String base64 = forms.get(2);
    String[] raw = users.get("user5");
    String[] github = users.get("user6");
    String[] securityCenter = users.get("user7");
    String[] manual = users.get("user8");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      send(producer, TOPICS.rawContent().name(), """
          {"source":"proxy %s","location":"https://b.oss.example/o?OSSAccessKeyId=%s&AccessKeySecret=%s",
           "reference":"ticket %s","content":"AK=%s\\nSK=%s"}""".formatted(plain, raw[0], percent, base64, raw[0],
          raw[1]));
      send(producer, TOPICS.githubAlerts().name(), """
          {"action":"created","alert":{"number":7,"secret_type":"alibaba_cloud_access_key_id",
           "html_url":"https://github.com/a/b/security/secret-scanning/7?t=%s","secret":"%s"},
           "repository":{"full_name":"acme/%s"}}""".formatted(percent, github[0], plain));
      send(producer, TOPICS.securityCenterAlerts().name(), """
          {"Id":7,"AccesskeyId":"%s","Url":"https://x.example/?AccessKeySecret=%s","Asset":"host %s",
           "GithubRepoName":"acme/%s","GithubFileName":"%s.env","DealType":"pending"}"""
          .formatted(securityCenter[0], plain, base64, percent, plain));
      send(producer, TOPICS.manualReports().name(), """
          {"accessKeyId":"%s","reason":"the secret is %s (or %s)","reporter":"soc %s"}"""
          .formatted(manual[0], plain, base64, percent));
    }

    // Then each is remediated
    for (String[] key : List.of(raw, github, securityCenter, manual)) {
      assertEquals(RemediationStatus.ROTATED, awaitValues(TOPICS.remediationOutcomes(), key[0], 1).get(0)
          .getStatus());
    }
    awaitValues(TOPICS.notificationOutcomes(), manual[0], 1);

    // And no planted or leaked secret, in any form, is in a topic LeakGuard writes, a state directory or a log
    Set<String> topics;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      topics = admin.listTopics().names().get();
    }
    Set<String> inputs = Set.of(TOPICS.rawContent().name(), TOPICS.githubAlerts().name(),
        TOPICS.securityCenterAlerts().name(), TOPICS.manualReports().name());
    int records = 0;
    for (String topic : topics) {
      if (inputs.contains(topic) || topic.startsWith("__")) {
        continue;
      }
      for (ConsumerRecord<byte[], byte[]> record : readRaw(topic)) {
        records++;
        String text = (record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8))
            + (record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8));
        for (String secret : mustNotLeak) {
          assertFalse(text.contains(secret), "a secret is in " + topic + " at offset " + record.offset());
        }
      }
    }
    assertTrue(records > 50, "only " + records + " records were read");
    try (Stream<Path> files = Files.walk(dir.resolve("state"))) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        for (String secret : mustNotLeak) {
          assertFalse(content.contains(secret), "a secret is in " + file);
        }
      }
    }
    for (ILoggingEvent event : stack.logLines()) {
      StringBuilder line = new StringBuilder(event.getFormattedMessage());
      for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        line.append(' ').append(t.getMessage());
      }
      for (String secret : mustNotLeak) {
        assertFalse(line.toString().contains(secret), "a secret is in a log line of " + event.getLoggerName());
      }
    }
  }

  /** The secret as it is, percent-encoded, base64-encoded and \\u-escaped. */
  private static List<String> encodings(String secret) {
    StringBuilder percent = new StringBuilder();
    secret.chars().forEach(c -> percent.append(String.format("%%%02X", c)));
    return List.of(secret, percent.toString(),
        Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  @Order(3)
  void shouldNotRotateAKeyOnARumor() throws Exception {
    // Given dave's real AccessKey ID next to 30 random characters that are not its secret
    String[] dave = users.get("dave");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      send(producer, TOPICS.rawContent().name(), "{\"source\":\"paste\",\"location\":\"p/1\",\"content\":\"AK="
          + dave[0] + "\\nSK=" + daveRumor + "\"}");
    }

    // Then the incident is escalated as an ID-only exposure and dave's key is untouched
    RemediationOutcome outcome = awaitValues(TOPICS.remediationOutcomes(), dave[0], 1).get(0);
    assertEquals(RemediationStatus.ESCALATED, outcome.getStatus());
    assertTrue(outcome.getReason().contains("ID-only exposure"), outcome.getReason());
    KeyView key = emulator.state().key(dave[0]).orElseThrow();
    assertEquals("Active", key.status());
    assertEquals(1, emulator.state().snapshot().keys().stream().filter(k -> "dave".equals(k.userName())).count());
  }

  @Test
  @Order(4)
  void shouldRetryFailedRemediationsUntilTheLeakedKeysAreGone() throws Exception {
    // Given DeleteAccessKey throttled on every call
    Faults.Config throttled = new Faults.Config(1L, List.of(new Faults.Rule("Ram:DeleteAccessKey", 1.0,
        "Throttling.User", null, null, null)), null);
    emulator.faults().configure(throttled);
    List<String> failing = List.of("f0", "f1", "f2", "f3", "f4");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (String user : failing) {
        leak(producer, users.get(user), user);
      }
    }

    // When five leaks end FAILED, saying the key may still work and when LeakGuard tries again
    // (all five read by one consumer, so the fault clears soon after the last failure)
    Map<String, List<RemediationOutcome>> outcomes = awaitValues(TOPICS.remediationOutcomes(),
        failing.stream().map(user -> users.get(user)[0]).toList(), 1);
    Map<String, RemediationOutcome> failed = new HashMap<>();
    for (String user : failing) {
      RemediationOutcome outcome = outcomes.get(users.get(user)[0]).get(0);
      assertEquals(RemediationStatus.FAILED, outcome.getStatus(), outcome.getReason());
      assertTrue(outcome.getCredentialMayBeLive());
      assertNotNull(outcome.getNextRetryAt());
      assertEquals("Active", emulator.state().key(users.get(user)[0]).orElseThrow().status());
      failed.put(user, outcome);
    }
    // and the faults clear before any retry is due (else the retry meets the fault: RETRY_SCHEDULE is too short)
    Instant firstRetry = failed.values().stream().map(RemediationOutcome::getNextRetryAt).min(Instant::compareTo)
        .orElseThrow();
    emulator.faults().reset();
    Instant cleared = Instant.now();
    assertTrue(cleared.isBefore(firstRetry), "the faults cleared at " + cleared + ", after the first retry was due at "
        + firstRetry);

    // Then the first scheduled retry deletes every leaked key, keeping the key the failed attempt created
    for (String user : failing) {
      String id = users.get(user)[0];
      RemediationOutcome rotated = awaitValues(TOPICS.remediationOutcomes(), id, 2).get(1);
      assertEquals(RemediationStatus.ROTATED, rotated.getStatus(), rotated.getReason());
      assertEquals(2, rotated.getAttempt());
      RemediationStep retry = rotated.getSteps().stream().filter(step -> step.getName().equals("Retry")).findFirst()
          .orElseThrow(() -> new AssertionError("no Retry step in " + rotated.getSteps()));
      assertTrue(retry.getDetail().contains("after the retry schedule"), retry.getDetail());
      assertFalse(retry.getStartedAt().isBefore(failed.get(user).getNextRetryAt()), "retried when it was due");
      assertTrue(emulator.state().key(id).isEmpty());
      List<String> keys = emulator.state().snapshot().keys().stream().filter(k -> user.equals(k.userName()))
          .map(KeyView::accessKeyId).toList();
      assertEquals(List.of(rotated.getNewAccessKeyId()), keys, "exactly one key: the new one");
      if (failed.get(user).getNewAccessKeyId() != null) {
        assertEquals(failed.get(user).getNewAccessKeyId(), rotated.getNewAccessKeyId(), "never a third key");
      }
    }

    // And a key whose scheduled retries are far off is retried at once when it is sighted again
    String[] grace = users.get("grace");
    emulator.faults().configure(throttled);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      leak(producer, grace, "grace");
      RemediationOutcome second = awaitValues(TOPICS.remediationOutcomes(), grace[0], 2).get(1);
      assertEquals(RemediationStatus.FAILED, second.getStatus());
      assertEquals(2, second.getAttempt());
      assertTrue(second.getNextRetryAt().isAfter(Instant.now().plus(Duration.ofMinutes(5))), "next retry in 10 min");
      emulator.faults().reset();
      leak(producer, grace, "grace-again");
    }
    RemediationOutcome third = awaitValues(TOPICS.remediationOutcomes(), grace[0], 3).get(2);
    assertEquals(RemediationStatus.ROTATED, third.getStatus(), third.getReason());
    assertEquals(3, third.getAttempt());
    assertTrue(emulator.state().key(grace[0]).isEmpty());
  }

  @Test
  @Order(5)
  void shouldRetryAFailedRemediationOnLeakguardRetry() throws Exception {
    // Given henry's remediation failed twice and its next scheduled attempt is ten minutes away
    String[] henry = users.get("henry");
    emulator.faults().configure(new Faults.Config(1L, List.of(new Faults.Rule("Ram:DeleteAccessKey", 1.0,
        "Throttling.User", null, null, null)), null));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      leak(producer, henry, "henry");
    }
    RemediationOutcome failed = awaitValues(TOPICS.remediationOutcomes(), henry[0], 2).get(1);
    assertEquals(RemediationStatus.FAILED, failed.getStatus());
    emulator.faults().reset();

    // When a person runs leakguard retry INCIDENT
    int exit = Leakguard.execute("retry", failed.getIncidentId(), "--by", "soc", "--kafka.bootstrap.servers",
        broker.bootstrapServers(), "--topic.prefix", PREFIX);

    // Then the next attempt deletes the leaked key; retrying an incident that did not fail is refused
    assertEquals(0, exit);
    RemediationOutcome rotated = awaitValues(TOPICS.remediationOutcomes(), henry[0], 3).get(2);
    assertEquals(RemediationStatus.ROTATED, rotated.getStatus(), rotated.getReason());
    assertEquals(3, rotated.getAttempt());
    assertTrue(emulator.state().key(henry[0]).isEmpty());
    assertEquals(1, Leakguard.execute("retry", failed.getIncidentId(), "--kafka.bootstrap.servers",
        broker.bootstrapServers(), "--topic.prefix", PREFIX));
  }

  @Test
  @Order(6)
  void shouldRestartOnChangelogsHoldingUnreadableEntries() throws Exception {
    // Given garbage appended to the changelog of every store a processor reads as it starts
    List<String> changelogs = List.of("leakguard-remediator-remediation-journal-changelog",
        "leakguard-detector-incidents-store-changelog", "leakguard-detector-pending-probes-content-changelog",
        "leakguard-enricher-pending-enrichments-changelog");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (String changelog : changelogs) {
        for (int partition = 0; partition < 2; partition++) {
          producer.send(new ProducerRecord<>(changelog, partition, ("junk-" + partition).getBytes(),
              "not a record".getBytes(StandardCharsets.UTF_8))).get();
        }
      }
    }

    // When every service restarts on its state directory (restoring those entries)
    List<ServiceDefinition> definitions = List.of(new DetectorApp(), new EnricherApp(), new RemediatorApp(),
        new NotifierApp());
    stack.stopServices();
    start(definitions.get(0));
    start(definitions.get(1));
    start(definitions.get(2), "--cloud.max.attempts=1", "--remediation.max.rounds=1", RETRY_SCHEDULE);
    start(definitions.get(3));

    // Then they all run, and a new leak is rotated
    await().atMost(WAIT).until(() -> stack.allRunning());
    String[] key = users.get("user9");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      leak(producer, key, "after-restart");
    }
    assertEquals(RemediationStatus.ROTATED, awaitValues(TOPICS.remediationOutcomes(), key[0], 1).get(0).getStatus());
    assertTrue(stack.allRunning());

    // And the pair probed before the restart (dave's ID with a secret that is not his, test 3), sighted again, is
    // answered from its verdict on probe.verdicts: STS saw that pair once in all
    String[] dave = users.get("dave");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      send(producer, TOPICS.rawContent().name(), "{\"source\":\"wiki\",\"location\":\"w/2\",\"content\":\"AK="
          + dave[0] + "\\nSK=" + daveRumor + "\"}");
    }
    await().atMost(WAIT).until(() -> awaitValues(TOPICS.incidents(), dave[0], 1).stream()
        .anyMatch(incident -> incident.getSightingCount() >= 2));
    long probes = stack.events(10_000).stream()
        .filter(event -> event.path("eventName").asText().equals("GetCallerIdentity")
            && event.path("userIdentity").path("accessKeyId").asText().equals(dave[0]))
        .count();
    assertEquals(1, probes, "GetCallerIdentity calls with dave's ID, before and after the restart");
  }

  private static void leak(KafkaProducer<byte[], byte[]> producer, String[] key, String where) throws Exception {
    send(producer, TOPICS.rawContent().name(), "{\"source\":\"it\",\"location\":\"" + where + "/.env\",\"content\":"
        + "\"AK=" + key[0] + "\\nSK=" + key[1] + "\"}");
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String json) throws Exception {
    producer.send(new ProducerRecord<>(topic, "k".getBytes(), json.replace("\n", "").getBytes(StandardCharsets.UTF_8)))
        .get();
  }

  /** Waits until the topic holds at least {@code count} committed values for the key; returns them in order. */
  private static <V> List<V> awaitValues(Topic<String, V> topic, String key, int count) {
    return awaitValues(topic, List.of(key), count).get(key);
  }

  /**
   * Waits until the topic holds at least {@code count} committed values for each key, reading them all with one
   * consumer at a time; returns each key's values in order.
   */
  private static <V> Map<String, List<V>> awaitValues(Topic<String, V> topic, List<String> keys, int count) {
    Map<String, List<V>> found = new HashMap<>();
    await().atMost(WAIT).until(() -> {
      found.clear();
      keys.forEach(key -> found.put(key, new ArrayList<>()));
      try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_committed")) {
        for (ConsumerRecord<byte[], byte[]> record : drain(consumer, topic.name())) {
          List<V> values = record.key() == null ? null : found.get(new String(record.key(), StandardCharsets.UTF_8));
          if (values != null) {
            values.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
          }
        }
      }
      return found.values().stream().allMatch(values -> values.size() >= count);
    });
    return found;
  }

  private static <V> List<V> readAll(Topic<String, V> topic, String isolation) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
      return drain(consumer, topic.name()).stream()
          .map(r -> topic.valueSerde().deserializer().deserialize(topic.name(), r.value())).toList();
    }
  }

  /** Every record of a topic, aborted transactions included: a secret in an aborted write is still on disk. */
  private static List<ConsumerRecord<byte[], byte[]>> readRaw(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer("read_uncommitted")) {
      return drain(consumer, topic);
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> drain(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    return PipelineStack.drain(consumer, topic);
  }

  private static Properties producerProps() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("acks", "all");
    props.put("max.request.size", 2 * 1024 * 1024);
    return props;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String isolation) {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "rb-" + System.nanoTime());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
