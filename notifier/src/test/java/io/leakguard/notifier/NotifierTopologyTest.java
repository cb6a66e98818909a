package io.leakguard.notifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestDrivers;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.TopicCatalog;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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

class NotifierTopologyTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

  private final TopicCatalog topics = new TopicCatalog("test.");
  private final List<RemediationOutcome> told = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, RemediationOutcome> outcomes;
  private TestOutputTopic<String, NotificationOutcome> notifications;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void setUp() {
    Channel recording = outcome -> {
      told.add(outcome);
      return Delivery.newBuilder().setChannel("test").setRecipient("security-team").setDelivered(true).build();
    };
    Channel failing = outcome -> Delivery.newBuilder().setChannel("webhook").setRecipient("http://down")
        .setDelivered(false).setDetail("HTTP 503").build();
    Notifier notifier = new Notifier(List.of(recording, failing), Clock.fixed(START.plusSeconds(1), ZoneOffset.UTC));
    driver = TestDrivers.driver(new NotifierApp(), NotifierTopology.build(topics, notifier), START, "--topic.prefix=test.");
    outcomes = driver.createInputTopic(topics.remediationOutcomes().name(), new StringSerializer(),
        topics.remediationOutcomes().valueSerde().serializer());
    notifications = driver.createOutputTopic(topics.notificationOutcomes().name(),
        topics.notificationOutcomes().keySerde().deserializer(),
        topics.notificationOutcomes().valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters("notifier").name(),
        topics.deadLetters("notifier").keySerde().deserializer(),
        topics.deadLetters("notifier").valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  @Test
  void shouldRecordEveryDeliveryAndStampNotifiedAt() {
    String id = SyntheticKeys.accessKeyId();

    outcomes.pipeInput(id, Outcomes.rotated("inc-1", id, SyntheticKeys.accessKeyId(), START));

    var notification = notifications.readKeyValue();
    assertEquals(id, notification.key);
    assertEquals(RemediationStatus.ROTATED, notification.value.getRemediationStatus());
    assertEquals(List.of(true, false),
        notification.value.getDeliveries().stream().map(Delivery::getDelivered).toList());
    assertEquals(START.plusSeconds(1), notification.value.getTimeline().getNotifiedAt());
    assertEquals(START.plusMillis(35), notification.value.getTimeline().getNeutralizedAt());
    assertEquals(1, told.size());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldDeadLetterAnUnreadableOutcomeAndCarryOn() {
    var raw = driver.createInputTopic(topics.remediationOutcomes().name(), new StringSerializer(),
        new ByteArraySerializer());
    raw.pipeInput("junk", "not avro".getBytes());
    String id = SyntheticKeys.accessKeyId();
    outcomes.pipeInput(id, Outcomes.rotated("inc-2", id, SyntheticKeys.accessKeyId(), START));

    assertEquals(FailureStage.DESERIALIZATION, deadLetters.readValue().getStage());
    assertEquals("inc-2", notifications.readValue().getIncidentId());
  }
}
