package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cloud.Secret;
import io.leakguard.detector.intake.AsyncProber;
import io.leakguard.detector.intake.LivenessProbe;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestDrivers;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.IncidentStatus;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.ProbeResult;
import io.leakguard.schemas.ProbeVerdict;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.GithubSecretScanningAlert;
import io.leakguard.schemas.edge.ManualReport;
import io.leakguard.schemas.edge.RawContent;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DetectorTopologyTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private static final String ACCOUNT = "1000000000000001";

  private final TopicCatalog topics = new TopicCatalog("test.");
  private final List<String> probedSecrets = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, RawContent> raw;
  private TestOutputTopic<String, LeakDetected> detected;
  private TestOutputTopic<String, Incident> incidents;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  /** Answers "live, a RAM user" for every pair, and remembers that it was asked (by fingerprint only). */
  private LivenessProbe.Liveness probe(String accessKeyId, Secret secret, Secret token) {
    probedSecrets.add(KeyForms.fingerprint(secret.reveal()));
    return LivenessProbe.Liveness.valid(CallerIdentity.newBuilder().setIdentityType("RAMUser")
        .setAccountId(ACCOUNT).setArn("acs:ram::" + ACCOUNT + ":user/alice").build());
  }

  @BeforeEach
  void setUp() {
    start();
  }

  /** Starts the detector with a fresh prober (an empty in-memory cache), as after a restart. */
  private void start() {
    driver = TestDrivers.driver(new DetectorApp(), DetectorTopology.build(topics, new Scanner(),
            AsyncProber.direct(this::probe, 600, java.time.Clock.systemUTC()), 2),
        START, "--topic.prefix=test.");
    raw = driver.createInputTopic(topics.rawContent().name(), new StringSerializer(),
        topics.rawContent().valueSerde().serializer());
    detected = driver.createOutputTopic(topics.leaksDetected().name(),
        topics.leaksDetected().keySerde().deserializer(), topics.leaksDetected().valueSerde().deserializer());
    incidents = driver.createOutputTopic(topics.incidents().name(),
        topics.incidents().keySerde().deserializer(), topics.incidents().valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters("detector").name(),
        topics.deadLetters("detector").keySerde().deserializer(),
        topics.deadLetters("detector").valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void shouldEmitALeakKeyedByAccessKeyIdWithTheSecretsFingerprintOnly() {
    // Given a log line holding a key pair
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();

    // When it arrives on the raw-content topic
    raw.pipeInput("build-42", new RawContent("ci", "build/42/log", "id=" + id + " secret=" + secret, "42"),
        START.minusMillis(5));

    // Then one leak is detected, keyed by the ID, with the fingerprint, liveness and both timestamps
    var record = detected.readKeyValue();
    assertEquals(id, record.key);
    LeakDetected leak = record.value;
    assertEquals(CredentialKind.RAM_USER_KEY, leak.getKind());
    assertEquals(KeyForms.mask(id), leak.getMaskedKey());
    assertEquals(KeyForms.fingerprint(secret), leak.getSecretFingerprint());
    assertEquals(List.of(KeyForms.fingerprint(secret)), probedSecrets);
    assertEquals(Boolean.TRUE, leak.getLive());
    assertEquals("acs:ram::" + ACCOUNT + ":user/alice", leak.getCallerIdentity().getArn());
    assertEquals("ci:build/42/log", leak.getSource().getLocation());
    assertEquals(START.minusMillis(5), leak.getTimeline().getSightedAt());
    assertEquals(START, leak.getTimeline().getDetectedAt());
    assertFalse(leak.toString().contains(secret));
    assertTrue(detected.isEmpty());
    Incident incident = incidents.readValue();
    assertEquals(leak.getIncidentId(), incident.getIncidentId());
    assertEquals(IncidentStatus.OPEN, incident.getStatus());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldProbeAPairSeenAThousandTimesOnce() {
    // Given one pair sighted 1,000 times from 10 sources, and a second secret for the same ID among them
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    String other = SyntheticKeys.secret();
    for (int i = 0; i < 1000; i++) {
      String value = i == 500 ? other : secret;
      raw.pipeInput("r" + i, new RawContent("source-" + (i % 10), "log/" + i, "id=" + id + " secret=" + value, null),
          START.plusMillis(i));
    }

    // Then each (ID, secret fingerprint) is probed once: 2 calls for 1,000 sightings, a hit rate of 99.8 %
    assertEquals(List.of(KeyForms.fingerprint(secret), KeyForms.fingerprint(other)), probedSecrets);
    long sightings = incidents.readValuesToList().stream().mapToInt(Incident::getSightingCount).max().orElse(0);
    assertEquals(1000, sightings, "every sighting folded into the incident");
    System.out.printf("probe cache: %d sightings, %d probes, hit rate %.1f %%%n", 1000, probedSecrets.size(),
        100.0 * (1000 - probedSecrets.size()) / 1000);
  }

  @Test
  void shouldNotProbeAPairAgainAfterARestartWhileItsVerdictIsFresh() {
    // Given a pair probed once: its verdict goes to the compacted verdicts topic, fingerprints only
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    raw.pipeInput("r1", new RawContent("ci", "log/1", "id=" + id + " secret=" + secret, null), START);
    var verdictTopic = topics.probeVerdicts();
    var written = driver.createOutputTopic(verdictTopic.name(), verdictTopic.keySerde().deserializer(),
        verdictTopic.valueSerde().deserializer()).readKeyValuesToList();
    assertEquals(1, written.size());
    assertEquals(id + "/" + KeyForms.fingerprint(secret), written.get(0).key);
    ProbeVerdict verdict = written.get(0).value;
    assertEquals(ProbeResult.PAIR_VALID, verdict.getProbe());
    assertFalse(verdict.toString().contains(secret));

    // and a second pair whose verdict is older than the cache's time-to-live (10 minutes)
    String stale = SyntheticKeys.accessKeyId();
    String staleSecret = SyntheticKeys.secret();
    ProbeVerdict old = ProbeVerdict.newBuilder(verdict).setAccessKeyId(stale)
        .setSecretFingerprint(KeyForms.fingerprint(staleSecret))
        .setProbedAt(Instant.now().minus(java.time.Duration.ofMinutes(11))).build();

    // When the detector restarts (nothing in memory) with what the topic kept, and both pairs are sighted again
    driver.close();
    start();
    var verdicts = driver.createInputTopic(verdictTopic.name(), verdictTopic.keySerde().serializer(),
        verdictTopic.valueSerde().serializer());
    verdicts.pipeInput(written.get(0).key, verdict);
    verdicts.pipeInput(stale + "/" + KeyForms.fingerprint(staleSecret), old);
    raw.pipeInput("r2", new RawContent("wiki", "page/2", "id=" + id + " secret=" + secret, null), START);
    raw.pipeInput("r3", new RawContent("wiki", "page/3", "id=" + stale + " secret=" + staleSecret, null), START);

    // Then the fresh pair is answered from its verdict, without a call, and the stale one is probed again
    assertEquals(List.of(KeyForms.fingerprint(secret), KeyForms.fingerprint(staleSecret)), probedSecrets);
    List<LeakDetected> leaks = detected.readValuesToList();
    assertEquals(2, leaks.size());
    assertEquals(ProbeResult.PAIR_VALID, leaks.get(0).getProbe());
    assertEquals("acs:ram::" + ACCOUNT + ":user/alice", leaks.get(0).getCallerIdentity().getArn());
    assertEquals(CredentialKind.RAM_USER_KEY, leaks.get(0).getKind());
  }

  @Test
  void shouldEmitNothingForContentWithoutAPair() {
    raw.pipeInput("k", new RawContent("ci", "log", "id=" + SyntheticKeys.accessKeyId() + " and nothing else", null));

    assertTrue(detected.isEmpty());
    assertTrue(incidents.isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldFoldSightingsFromEverySourceIntoOneIncident() {
    // Given one key seen in a log, on GitHub, by Security Center and by a person
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    raw.pipeInput("log", new RawContent("ci", "build/1", id + " " + secret, null), START);
    driver.createInputTopic(topics.githubAlerts().name(), new StringSerializer(),
            topics.githubAlerts().valueSerde().serializer())
        .pipeInput("gh", new GithubSecretScanningAlert("created", new GithubSecretScanningAlert.Alert(7,
            "alibaba_cloud_access_key_id", "https://github.com/acme/app/security/secret-scanning/7", "active", id,
            true), new GithubSecretScanningAlert.Repository("acme/app", null)), START.plusSeconds(1));
    driver.createInputTopic(topics.securityCenterAlerts().name(), new StringSerializer(),
            topics.securityCenterAlerts().valueSerde().serializer())
        .pipeInput("sc", new SecurityCenterLeakRecord(99L, id, "AccessKey", "GitHub", "https://github.com/acme/app",
            null, "acme/app", ".env", "2026-11-22 10:00:02", "pending", "no"), START.plusSeconds(2));
    driver.createInputTopic(topics.manualReports().name(), new StringSerializer(),
            topics.manualReports().valueSerde().serializer())
        .pipeInput("m", new ManualReport(id, "pasted in a ticket", "soc@example.com"), START.plusSeconds(3));

    // Then the key goes to remediation once, and its incident counts four sightings from four sources
    List<LeakDetected> leaks = detected.readValuesToList();
    assertEquals(1, leaks.size());
    assertEquals(1, leaks.get(0).getSightingCount());
    List<Incident> updates = incidents.readValuesToList();
    Incident last = updates.get(updates.size() - 1);
    assertEquals(4, last.getSightingCount());
    assertEquals(leaks.get(0).getIncidentId(), last.getIncidentId());
    assertEquals(List.of(LeakSourceType.SCANNER, LeakSourceType.GITHUB, LeakSourceType.SECURITY_CENTER,
        LeakSourceType.MANUAL), last.getSightings().stream().map(s -> s.getSource().getType()).toList());
    assertEquals(START.plusSeconds(3), last.getLastSightedAt());
  }

  @Test
  void shouldNameTheSecurityCenterRecordAndItsAccountInTheSource() {
    // Given a Security Center record read in an account, and one written before records named their account
    String id = SyntheticKeys.accessKeyId();
    String older = SyntheticKeys.accessKeyId();
    driver.createInputTopic(topics.securityCenterAlerts().name(), new StringSerializer(),
            topics.securityCenterAlerts().valueSerde().serializer())
        .pipeInput("sc", new SecurityCenterLeakRecord(7L, id, "AccessKey", "GitHub", "https://github.com/acme/app",
            "Cloud platform", "acme/app", ".env", "2026-11-22 18:00:02", "pending", "no", ACCOUNT), START);
    driver.createInputTopic(topics.securityCenterAlerts().name(), new StringSerializer(), new StringSerializer())
        .pipeInput("sc-old", "{\"Id\":8,\"AccesskeyId\":\"" + older + "\",\"Type\":\"AccessKey\","
            + "\"Source\":\"GitHub\",\"GithubRepoName\":\"acme/app\",\"GithubFileName\":\".env\"}",
            START.plusSeconds(1));

    driver.createInputTopic(topics.securityCenterAlerts().name(), new StringSerializer(),
            topics.securityCenterAlerts().valueSerde().serializer())
        .pipeInput("sc-handled", new SecurityCenterLeakRecord(9L, SyntheticKeys.accessKeyId(), "AccessKey", "GitHub",
            "https://github.com/acme/app", null, null, null, null, "manual", "no", ACCOUNT), START.plusSeconds(2));

    // Then each sighting's reference names its record, with the account when the record had one; a handled record
    // is no sighting
    List<LeakDetected> leaks = detected.readValuesToList();
    assertEquals(2, leaks.size());
    assertEquals("leak record 7 in account " + ACCOUNT, leaks.get(0).getSource().getReference());
    assertEquals(new SecurityCenterLeakRecord.Reference(7, ACCOUNT),
        SecurityCenterLeakRecord.Reference.parse(leaks.get(0).getSource().getReference()).orElseThrow());
    assertEquals("https://github.com/acme/app", leaks.get(0).getSource().getLocation());
    assertEquals("leak record 8", leaks.get(1).getSource().getReference());
    assertEquals(new SecurityCenterLeakRecord.Reference(8, null),
        SecurityCenterLeakRecord.Reference.parse(leaks.get(1).getSource().getReference()).orElseThrow());
    assertEquals("github.com/acme/app/.env", leaks.get(1).getSource().getLocation());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldRecordASightingOfARemediatedKeyAsSuch() {
    // Given a key that was detected and then rotated
    String id = SyntheticKeys.accessKeyId();
    raw.pipeInput("log", new RawContent("ci", "build/1", id + " " + SyntheticKeys.secret(), null), START);
    LeakDetected leak = detected.readValue();
    driver.createInputTopic(topics.remediationOutcomes().name(), new StringSerializer(),
            topics.remediationOutcomes().valueSerde().serializer())
        .pipeInput(id, RemediationOutcome.newBuilder().setIncidentId(leak.getIncidentId()).setAccessKeyId(id)
            .setKind(leak.getKind()).setMaskedKey(leak.getMaskedKey()).setSource(leak.getSource())
            .setOwner(Owner.newBuilder().build()).setStatus(RemediationStatus.ROTATED).setStrategy("replace-first")
            .setTimeline(leak.getTimeline()).build());

    // When it is seen again
    driver.createInputTopic(topics.manualReports().name(), new StringSerializer(),
            topics.manualReports().valueSerde().serializer())
        .pipeInput("m", new ManualReport(id, "still in the wiki", "soc"), START.plusSeconds(60));

    // Then nothing goes to remediation, and the incident says the sighting came after remediation
    assertTrue(detected.isEmpty());
    List<Incident> updates = incidents.readValuesToList();
    Incident last = updates.get(updates.size() - 1);
    assertEquals(IncidentStatus.REMEDIATED, last.getStatus());
    assertEquals(RemediationStatus.ROTATED, last.getRemediationStatus());
    assertTrue(last.getSightings().get(1).getAfterRemediation());
  }

  @Test
  void shouldIgnoreGithubAlertsOfOtherTypesAndActions() {
    var github = driver.createInputTopic(topics.githubAlerts().name(), new StringSerializer(),
        topics.githubAlerts().valueSerde().serializer());
    String id = SyntheticKeys.accessKeyId();
    github.pipeInput("a", new GithubSecretScanningAlert("resolved", new GithubSecretScanningAlert.Alert(1,
        "alibaba_cloud_access_key_id", null, null, id, null), null));
    github.pipeInput("b", new GithubSecretScanningAlert("created", new GithubSecretScanningAlert.Alert(2,
        "github_personal_access_token", null, null, id, null), null));

    assertTrue(detected.isEmpty());
  }

  @Test
  void shouldSendMalformedInputToTheDeadLetterTopicAndCarryOn() {
    // Given a record that is not JSON, holding a secret; a Security Center record without a key; then a good one
    String secret = SyntheticKeys.secret();
    driver.createInputTopic(topics.rawContent().name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput("k", ("{not json " + secret).getBytes(StandardCharsets.UTF_8));
    driver.createInputTopic(topics.securityCenterAlerts().name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput("sc", "{\"Id\":1,\"Type\":\"AccessKey\"}".getBytes(StandardCharsets.UTF_8));
    raw.pipeInput("k2", new RawContent("ci", "log", SyntheticKeys.accessKeyId() + " " + SyntheticKeys.secret(), null));

    // Then both bad records are dead letters with their coordinates and no secret, and the good one is detected
    DeadLetter malformed = deadLetters.readValue();
    assertEquals(FailureStage.DESERIALIZATION, malformed.getStage());
    assertEquals(topics.rawContent().name(), malformed.getSourceTopic());
    assertEquals(0L, malformed.getSourceOffset());
    assertFalse(malformed.toString().contains(secret), malformed.toString());
    DeadLetter incomplete = deadLetters.readValue();
    assertEquals(FailureStage.DESERIALIZATION, incomplete.getStage());
    assertTrue(incomplete.getReason().contains("AccesskeyId"), incomplete.getReason());
    assertEquals(1, detected.readRecordsToList().size());
  }

  @Test
  void shouldLeaveLivenessUnknownWhenNoSecretWasSeen() {
    String id = SyntheticKeys.accessKeyId();
    driver.createInputTopic(topics.manualReports().name(), new StringSerializer(),
            topics.manualReports().valueSerde().serializer())
        .pipeInput("m", new ManualReport(id, null, null));

    LeakDetected leak = detected.readValue();
    assertNull(leak.getLive());
    assertNull(leak.getSecretFingerprint());
    assertEquals(LeakSourceType.MANUAL, leak.getSource().getType());
    assertTrue(probedSecrets.isEmpty());
  }

  private void pipeBytes(String topic, String json) {
    driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer())
        .pipeInput("k", json == null ? null : json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldDeadLetterInputWhoseKeyIdHasNoAccessKeyIdShape() {
    // Given manual reports and Security Center records naming no real ID: a number, 400 KB, an empty value
    String huge = "LTAI" + "A".repeat(400_000);
    pipeBytes(topics.manualReports().name(), "{\"accessKeyId\":12345}");
    pipeBytes(topics.manualReports().name(), "{\"accessKeyId\":\"" + huge + "\"}");
    pipeBytes(topics.manualReports().name(), null);
    pipeBytes(topics.securityCenterAlerts().name(), "{\"AccesskeyId\":\"" + huge + "\"}");
    // and a good report after them
    String id = SyntheticKeys.accessKeyId();
    pipeBytes(topics.manualReports().name(), "{\"accessKeyId\":\"" + id + "\"}");

    // Then each bad one is a dead letter saying why, and the good one is detected
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(4, letters.size(), letters.toString());
    assertTrue(letters.get(0).getReason().contains("'accessKeyId' is not an AccessKey ID"), letters.get(0).getReason());
    assertTrue(letters.get(1).getReason().contains("400004 characters given"), letters.get(1).getReason());
    assertTrue(letters.get(2).getReason().contains("without a value"), letters.get(2).getReason());
    assertTrue(letters.get(3).getReason().contains("'AccesskeyId' is not an AccessKey ID"), letters.get(3).getReason());
    letters.forEach(l -> assertTrue(l.toString().length() < 4096, "a dead letter never copies the payload"));
    assertEquals(List.of(id), detected.readValuesToList().stream().map(LeakDetected::getAccessKeyId).toList());
  }

  @Test
  void shouldDeadLetterAGithubAlertWithoutAction() {
    pipeBytes(topics.githubAlerts().name(), "{\"alert\":{\"number\":3,\"secret_type\":\"alibaba_cloud_access_key_id\","
        + "\"secret\":\"" + SyntheticKeys.accessKeyId() + "\"}}");

    DeadLetter letter = deadLetters.readValue();
    assertTrue(letter.getReason().contains("without 'action'"), letter.getReason());
    assertTrue(detected.isEmpty());
  }

  @Test
  void shouldNeverCopyASecretPlantedInMetadata() {
    // Given a leak whose location, source and reference each carry another pair's secret, plain and encoded
    String id = SyntheticKeys.accessKeyId();
    String planted = SyntheticKeys.secret();
    StringBuilder percent = new StringBuilder();
    planted.chars().forEach(c -> percent.append(String.format("%%%02X", c)));
    raw.pipeInput("k", new RawContent("proxy " + planted,
        "https://b.oss.example/o?OSSAccessKeyId=" + id + "&AccessKeySecret=" + percent,
        id + " " + SyntheticKeys.secret(), "see " + planted));
    pipeBytes(topics.manualReports().name(), "{\"accessKeyId\":\"" + id + "\",\"reason\":\"secret " + planted
        + "\",\"reporter\":\"" + planted + "\"}");
    pipeBytes(topics.securityCenterAlerts().name(), "{\"AccesskeyId\":\"" + id + "\",\"Url\":\"https://x.example/?s="
        + planted + "\"}");
    pipeBytes(topics.githubAlerts().name(), "{\"action\":\"created\",\"alert\":{\"number\":3,"
        + "\"secret_type\":\"alibaba_cloud_access_key_id\",\"html_url\":\"https://github.com/a/b?t=" + planted
        + "\",\"secret\":\"" + id + "\"},\"repository\":{\"full_name\":\"a/" + planted + "\"}}");

    // Then the leak is found and no record holds the planted secret in any form
    List<String> written = new ArrayList<>();
    detected.readValuesToList().forEach(v -> written.add(v.toString()));
    incidents.readValuesToList().forEach(v -> written.add(v.toString()));
    assertFalse(written.isEmpty());
    for (String record : written) {
      assertFalse(record.contains(planted), record);
      assertFalse(record.contains(percent.toString()), record);
    }
    assertTrue(written.get(0).contains("b.oss.example"), written.get(0));
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldNameTheGithubAlertInTheSightingsReferenceSoTheBridgeCanResolveIt() {
    // Given alerts of a repository whose name the redactor alone would erase, of none, and of a planted name
    var github = driver.createInputTopic(topics.githubAlerts().name(), new StringSerializer(),
        topics.githubAlerts().valueSerde().serializer());
    String[] ids = {SyntheticKeys.accessKeyId(), SyntheticKeys.accessKeyId(), SyntheticKeys.accessKeyId()};
    github.pipeInput("a", new GithubSecretScanningAlert("created", new GithubSecretScanningAlert.Alert(42,
        "alibaba_cloud_access_key_id", "https://github.com/octo-org/octo-repo/security/secret-scanning/42", "active",
        ids[0], false), new GithubSecretScanningAlert.Repository("octo-org/infrastructure-terraform-modules", null)));
    github.pipeInput("b", new GithubSecretScanningAlert("validated", new GithubSecretScanningAlert.Alert(7,
        "alibaba_cloud_access_key_id", null, "active", ids[1], false), null));
    github.pipeInput("c", new GithubSecretScanningAlert("reopened", new GithubSecretScanningAlert.Alert(8,
        "alibaba_cloud_access_key_id", null, null, ids[2], false),
        new GithubSecretScanningAlert.Repository("acme/" + SyntheticKeys.random(30), null)));

    // Then each sighting names its alert as owner/repo#number when the name is safe to copy, else as before
    List<LeakDetected> leaks = detected.readValuesToList();
    assertEquals(3, leaks.size());
    assertEquals("octo-org/infrastructure-terraform-modules#42", leaks.get(0).getSource().getReference());
    assertEquals(LeakSourceType.GITHUB, leaks.get(0).getSource().getType());
    assertEquals("alert 7", leaks.get(1).getSource().getReference());
    assertEquals("alert 8", leaks.get(2).getSource().getReference());
    assertTrue(deadLetters.isEmpty());
  }

  private static org.apache.kafka.common.header.Headers headers(String... pairs) {
    var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }

  private void pipeEvent(String topic, org.apache.kafka.common.header.Headers headers, String value) {
    driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer())
        .pipeInput(new org.apache.kafka.streams.test.TestRecord<>("k", value.getBytes(StandardCharsets.UTF_8),
            headers, START));
  }

  @Test
  void shouldReadEdgeRecordsSentAsCloudEventsInBinaryAndStructuredMode() {
    // Given raw content as a binary-mode CloudEvent and a GitHub alert as a structured one (an EventBridge rule)
    String first = SyntheticKeys.accessKeyId();
    String second = SyntheticKeys.accessKeyId();
    pipeEvent(topics.rawContent().name(), headers("ce_specversion", "1.0", "ce_id", "e-1", "ce_source",
            "acs:eventbridge", "ce_type", "io.leakguard.raw-content", "content-type", "application/json"),
        "{\"source\":\"ci\",\"location\":\"build/7\",\"content\":\"" + first + " " + SyntheticKeys.secret()
            + "\"}");
    pipeEvent(topics.githubAlerts().name(), headers("content-type", "application/cloudevents+json; charset=UTF-8"),
        "{\"specversion\":\"1.0\",\"id\":\"e-2\",\"source\":\"acs.eventbridge\","
            + "\"type\":\"io.leakguard.github.secret-scanning-alert\",\"datacontenttype\":\"application/json\","
            + "\"data\":{\"action\":\"created\",\"alert\":{\"number\":5,"
            + "\"secret_type\":\"alibaba_cloud_access_key_id\",\"secret\":\"" + second + "\"},"
            + "\"repository\":{\"full_name\":\"acme/app\"}}}");

    // Then both are read as if they had been sent plain
    List<LeakDetected> leaks = detected.readValuesToList();
    assertEquals(List.of(first, second), leaks.stream().map(LeakDetected::getAccessKeyId).toList());
    assertEquals("ci:build/7", leaks.get(0).getSource().getLocation());
    assertEquals("acme/app#5", leaks.get(1).getSource().getReference());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldDeadLetterAMalformedCloudEventWithTheReason() {
    // Given an event of another spec version, one without its id, and a structured one without data
    String id = SyntheticKeys.accessKeyId();
    pipeEvent(topics.manualReports().name(), headers("ce_specversion", "0.3", "ce_id", "1", "ce_source", "s",
        "ce_type", "io.leakguard.manual-report"), "{\"accessKeyId\":\"" + id + "\"}");
    pipeEvent(topics.manualReports().name(), headers("ce_specversion", "1.0", "ce_source", "s",
        "ce_type", "io.leakguard.manual-report"), "{\"accessKeyId\":\"" + id + "\"}");
    pipeEvent(topics.securityCenterAlerts().name(), headers("content-type", "application/cloudevents+json"),
        "{\"specversion\":\"1.0\",\"id\":\"3\",\"source\":\"acs.sas\",\"type\":\"io.leakguard.security-center.leak-record\"}");

    // Then each is a dead letter saying what is wrong with the envelope, and nothing is detected
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertEquals(3, letters.size(), letters.toString());
    letters.forEach(l -> assertEquals(FailureStage.DESERIALIZATION, l.getStage()));
    assertTrue(letters.get(0).getReason().contains("'ce_specversion' is not 1.0"), letters.get(0).getReason());
    assertTrue(letters.get(1).getReason().contains("'ce_id'"), letters.get(1).getReason());
    assertTrue(letters.get(2).getReason().contains("without 'data'"), letters.get(2).getReason());
    assertTrue(detected.isEmpty());
  }
}
