package io.leakguard.detector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.runtime.TestDrivers;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.FailureStage;
import io.leakguard.runtime.SyntheticKeys;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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

  private final TopicCatalog topics = new TopicCatalog("test.");
  private TopologyTestDriver driver;
  private TestInputTopic<String, RawContent> raw;
  private TestOutputTopic<String, LeakDetected> detected;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void setUp() {
    DetectorApp app = new DetectorApp();
    driver = TestDrivers.driver(app, DetectorTopology.build(topics, new Scanner()), START, "--topic.prefix=test.");
    raw = driver.createInputTopic(topics.rawContent().name(), new StringSerializer(),
        topics.rawContent().valueSerde().serializer());
    detected = driver.createOutputTopic(topics.leaksDetected().name(),
        topics.leaksDetected().keySerde().deserializer(), topics.leaksDetected().valueSerde().deserializer());
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

    // Then one leak is detected, keyed by the ID, with the fingerprint and both timestamps
    var record = detected.readKeyValue();
    assertEquals(id, record.key);
    LeakDetected leak = record.value;
    assertEquals(CredentialKind.RAM_USER_KEY, leak.getKind());
    assertEquals(KeyForms.mask(id), leak.getMaskedKey());
    assertEquals(KeyForms.fingerprint(secret), leak.getSecretFingerprint());
    assertEquals("ci:build/42/log", leak.getSource().getLocation());
    assertEquals(START.minusMillis(5), leak.getTimeline().getSightedAt());
    assertEquals(START, leak.getTimeline().getDetectedAt());
    assertFalse(leak.toString().contains(secret));
    assertTrue(detected.isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldEmitNothingForContentWithoutAPair() {
    raw.pipeInput("k", new RawContent("ci", "log", "id=" + SyntheticKeys.accessKeyId() + " and nothing else", null));

    assertTrue(detected.isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldSendMalformedJsonToTheDeadLetterTopicAndCarryOn() {
    // Given a record that is not JSON, holding a secret, then a good one
    String secret = SyntheticKeys.secret();
    var bytes = driver.createInputTopic(topics.rawContent().name(), new StringSerializer(), new ByteArraySerializer());
    bytes.pipeInput("k", ("{not json " + secret).getBytes(StandardCharsets.UTF_8));
    raw.pipeInput("k2", new RawContent("ci", "log", SyntheticKeys.accessKeyId() + " " + SyntheticKeys.secret(), null));

    // Then the first is a dead letter with its coordinates and no secret, and the second is detected
    DeadLetter letter = deadLetters.readValue();
    assertEquals(FailureStage.DESERIALIZATION, letter.getStage());
    assertEquals(topics.rawContent().name(), letter.getSourceTopic());
    assertEquals(0L, letter.getSourceOffset());
    assertEquals("detector", letter.getService());
    assertFalse(letter.toString().contains(secret), letter.toString());
    assertEquals(1, detected.readRecordsToList().size());
  }
}
