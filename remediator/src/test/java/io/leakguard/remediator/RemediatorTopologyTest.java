package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.runtime.SyntheticKeys;
import io.leakguard.runtime.TestDrivers;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.TopicCatalog;
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

class RemediatorTopologyTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

  private final TopicCatalog topics = new TopicCatalog("test.");
  private final List<LeakEnriched> handled = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, LeakEnriched> detected;
  private TestOutputTopic<String, RemediationOutcome> outcomes;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  /** Rotates everything, except a key ending in "BOOM", on which it fails unexpectedly. */
  private RemediationOutcome fakeRemediation(LeakEnriched leak) {
    if (leak.getAccessKeyId().endsWith("BOOM")) {
      throw new IllegalStateException("unexpected bug");
    }
    handled.add(leak);
    return RemediationOutcome.newBuilder()
        .setIncidentId(leak.getIncidentId()).setAccessKeyId(leak.getAccessKeyId()).setKind(leak.getKind())
        .setMaskedKey(leak.getMaskedKey()).setSource(leak.getSource()).setOwner(Owner.newBuilder().build())
        .setStatus(RemediationStatus.ROTATED).setStrategy("replace-first").setTimeline(leak.getTimeline())
        .build();
  }

  @BeforeEach
  void setUp() {
    driver = TestDrivers.driver(new RemediatorApp(), RemediatorTopology.build(topics, this::fakeRemediation), START,
        "--topic.prefix=test.");
    detected = driver.createInputTopic(topics.leaksEnriched().name(), new StringSerializer(),
        topics.leaksEnriched().valueSerde().serializer());
    outcomes = driver.createOutputTopic(topics.remediationOutcomes().name(),
        topics.remediationOutcomes().keySerde().deserializer(),
        topics.remediationOutcomes().valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters("remediator").name(),
        topics.deadLetters("remediator").keySerde().deserializer(),
        topics.deadLetters("remediator").valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void shouldEmitOneOutcomePerLeakKeyedByAccessKeyId() {
    String id = SyntheticKeys.accessKeyId();

    detected.pipeInput(id, Leaks.of("inc-1", id, START));

    var outcome = outcomes.readKeyValue();
    assertEquals(id, outcome.key);
    assertEquals(RemediationStatus.ROTATED, outcome.value.getStatus());
    assertEquals("inc-1", outcome.value.getIncidentId());
    assertTrue(outcomes.isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldDeadLetterAnUnreadableRecordAndCarryOn() {
    // Given bytes that are not a LeakEnriched, then a good leak
    var raw = driver.createInputTopic(topics.leaksEnriched().name(), new StringSerializer(), new ByteArraySerializer());
    raw.pipeInput("junk", new byte[] {1, 2, 3});
    String id = SyntheticKeys.accessKeyId();
    detected.pipeInput(id, Leaks.of("inc-2", id, START));

    // Then the junk is a dead letter and the leak is remediated
    DeadLetter letter = deadLetters.readValue();
    assertEquals(FailureStage.DESERIALIZATION, letter.getStage());
    assertEquals(topics.leaksEnriched().name(), letter.getSourceTopic());
    assertEquals(1, outcomes.readRecordsToList().size());
  }

  @Test
  void shouldDeadLetterAnUnexpectedFailureAndCarryOn() {
    String bad = SyntheticKeys.accessKeyId().substring(0, 20) + "BOOM";
    String good = SyntheticKeys.accessKeyId();

    detected.pipeInput(bad, Leaks.of("inc-3", bad, START));
    detected.pipeInput(good, Leaks.of("inc-4", good, START));

    DeadLetter letter = deadLetters.readValue();
    assertEquals(FailureStage.PROCESSING, letter.getStage());
    assertTrue(letter.getReason().contains("unexpected bug"), letter.getReason());
    assertEquals(List.of("inc-4"), outcomes.readValuesToList().stream().map(RemediationOutcome::getIncidentId).toList());
  }
}
