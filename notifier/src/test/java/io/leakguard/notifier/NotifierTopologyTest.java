package io.leakguard.notifier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.notifier.channel.DeliveryException;
import io.leakguard.notifier.channel.Recipient;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestDrivers;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notifier's topology on the test driver, with recording channels: who is told, exactly once, retries, the
 * fallback, the sent log after a restart, and storm digests. Delivery workers are real threads; the test advances the
 * driver's wall clock until their reports are drained.
 */
class NotifierTopologyTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private static final String ACCOUNT = "1000000000000001";

  @TempDir
  Path dir;

  private final TopicCatalog topics = new TopicCatalog("test.");
  private final RecordingChannel mail = new RecordingChannel("mail", "email");
  private final RecordingChannel soc = new RecordingChannel("soc", "dingtalk");
  private TopologyTestDriver driver;
  private Deliverer deliverer;
  private SentLog sentLog;
  private TestInputTopic<String, RemediationOutcome> outcomes;
  private TestOutputTopic<String, NotificationOutcome> notifications;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private final List<NotificationOutcome> read = new ArrayList<>();

  private void start(String routingJson, int stormThreshold) throws Exception {
    Routing routing = Routing.withChannels(new ObjectMapper().readTree(routingJson),
        Map.of("mail", mail, "soc", soc));
    sentLog = new SentLog(dir.resolve("sent.log"), Duration.ofDays(1), false, Clock.systemUTC());
    deliverer = new Deliverer(routing.channels(), sentLog, 3, Duration.ofMillis(1), 2);
    driver = TestDrivers.driver(new NotifierApp(), NotifierTopology.build(topics, routing, deliverer,
        new StormMeter(stormThreshold), new NotifierTopology.Pacing(Duration.ofSeconds(10), Duration.ofMillis(10),
            Duration.ofDays(7))), START, "--topic.prefix=test.");
    outcomes = driver.createInputTopic(topics.remediationOutcomes().name(), new StringSerializer(),
        topics.remediationOutcomes().valueSerde().serializer());
    notifications = driver.createOutputTopic(topics.notificationOutcomes().name(),
        topics.notificationOutcomes().keySerde().deserializer(),
        topics.notificationOutcomes().valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters("notifier").name(),
        topics.deadLetters("notifier").keySerde().deserializer(),
        topics.deadLetters("notifier").valueSerde().deserializer());
  }

  private static final String ROUTING = """
      {"ownerChannel": "mail", "securityTeam": [{"channel": "soc"}],
       "fallback": [{"channel": "mail", "email": "security@example.com"}],
       "accounts": {"1000000000000001": {"contacts": ["ops@example.com"]}}}""";

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close();
    }
    if (deliverer != null) {
      deliverer.close();
    }
    if (sentLog != null) {
      sentLog.close();
    }
  }

  /** Advances the wall clock until {@code count} notification outcomes were read in all. */
  private List<NotificationOutcome> awaitNotifications(int count) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      driver.advanceWallClockTime(Duration.ofMillis(20));
      read.addAll(notifications.readValuesToList());
      return read.size() >= count;
    });
    return List.copyOf(read);
  }

  private static RemediationOutcome rotated(String incident, String email) {
    String id = SyntheticKeys.accessKeyId();
    RemediationOutcome outcome = Outcomes.rotated(incident, id, SyntheticKeys.accessKeyId(), START);
    return RemediationOutcome.newBuilder(outcome).setOwnerKind(OwnerKind.RAM_USER)
        .setOwner(Owner.newBuilder(outcome.getOwner()).setEmail(email).build()).build();
  }

  @Test
  void shouldTellTheOwnerByEmailAndTheSecurityTeamExactlyOnce() throws Exception {
    start(ROUTING, 0);
    RemediationOutcome outcome = rotated("inc-1", "alice@example.com");

    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    NotificationOutcome notification = awaitNotifications(1).get(0);
    // the same outcome again, as after a redelivery
    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    driver.advanceWallClockTime(Duration.ofSeconds(1));

    assertEquals(List.of("alice@example.com"), mail.sent.stream().map(s -> s.recipient().email()).toList());
    assertEquals(Recipient.OWNER, mail.sent.get(0).recipient().role());
    assertEquals(1, soc.sent.size());
    assertTrue(notifications.isEmpty(), "one notification outcome per incident and status");
    assertEquals(List.of("alice@example.com", "soc (test)"),
        notification.getDeliveries().stream().map(Delivery::getRecipient).toList());
    assertTrue(notification.getDeliveries().stream().allMatch(Delivery::getDelivered));
    assertEquals("inc-1|ROTATED|mail:alice@example.com", notification.getDeliveries().get(0).getDeliveryId());
    assertEquals(mail.sent.get(0).message().deliveryId(), notification.getDeliveries().get(0).getDeliveryId());
    assertTrue(mail.sent.get(0).message().text().contains(outcome.getNewAccessKeyId()));
    assertFalse(mail.sent.get(0).message().text().contains(outcome.getAccessKeyId()),
        "a message names the leaked key masked only");
    assertTrue(notification.getTimeline().getNotifiedAt() != null);
  }

  @Test
  void shouldTellTheAccountContactsWhenTheOwnerHasNoEmailAndSaySo() throws Exception {
    start(ROUTING, 0);
    RemediationOutcome outcome = rotated("inc-2", null);

    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    NotificationOutcome notification = awaitNotifications(1).get(0);

    assertEquals(List.of("ops@example.com"), mail.sent.stream().map(s -> s.recipient().email()).toList());
    assertEquals(Recipient.ACCOUNT_CONTACTS, notification.getDeliveries().get(0).getRole());
    assertTrue(notification.getNotes().get(0).contains("has no e-mail address"), notification.getNotes().toString());
  }

  @Test
  void shouldTellOnlyTheSecurityTeamAboutARootKey() throws Exception {
    start(ROUTING, 0);
    RemediationOutcome outcome = RemediationOutcome.newBuilder(rotated("inc-3", "root@example.com"))
        .setOwnerKind(OwnerKind.ROOT_ACCOUNT).setStatus(RemediationStatus.ESCALATED).build();

    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    NotificationOutcome notification = awaitNotifications(1).get(0);

    assertEquals(0, mail.sent.size());
    assertEquals(List.of(Recipient.SECURITY_TEAM),
        notification.getDeliveries().stream().map(Delivery::getRole).toList());
  }

  @Test
  void shouldRetryARetryableFailureAndCountTheAttempts() throws Exception {
    start(ROUTING, 0);
    soc.failNext(2, new DeliveryException("HTTP 503", true));
    RemediationOutcome outcome = rotated("inc-4", "alice@example.com");

    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    NotificationOutcome notification = awaitNotifications(1).get(0);

    Delivery team = notification.getDeliveries().get(1);
    assertTrue(team.getDelivered(), team.toString());
    assertEquals(3, team.getAttempts());
    assertEquals(1, soc.sent.size());
  }

  @Test
  void shouldTellTheFallbackWhenADeliveryFailsForGood() throws Exception {
    start(ROUTING, 0);
    mail.failNext(1, new DeliveryException("550 mailbox unavailable", false));
    RemediationOutcome outcome = rotated("inc-5", "gone@example.com");

    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    NotificationOutcome notification = awaitNotifications(1).get(0);

    Delivery owner = notification.getDeliveries().get(0);
    assertFalse(owner.getDelivered());
    assertEquals("550 mailbox unavailable", owner.getDetail());
    Delivery fallback = notification.getDeliveries().get(2);
    assertEquals("fallback", fallback.getRole());
    assertTrue(fallback.getDelivered());
    assertEquals(List.of("security@example.com"), mail.sent.stream().map(s -> s.recipient().email()).toList());
    assertTrue(mail.sent.get(0).message().title().startsWith("[undelivered]"), mail.sent.get(0).message().title());
  }

  @Test
  void shouldNotSendAgainWhatTheSentLogHolds() throws Exception {
    start(ROUTING, 0);
    // As after a crash between the channel's answer and the journal's commit
    sentLog.record("inc-6|ROTATED|mail:alice@example.com");
    RemediationOutcome outcome = rotated("inc-6", "alice@example.com");

    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    NotificationOutcome notification = awaitNotifications(1).get(0);

    assertEquals(0, mail.sent.size());
    assertTrue(notification.getDeliveries().get(0).getDelivered());
    assertTrue(notification.getDeliveries().get(0).getDetail().contains("sent log"));
    assertEquals(1, soc.sent.size());
  }

  @Test
  void shouldDigestTheSecurityTeamsMessagesDuringAStormButTellEveryOwner() throws Exception {
    start(ROUTING, 2);
    for (int i = 0; i < 5; i++) {
      RemediationOutcome outcome = rotated("storm-" + i, "user" + i + "@example.com");
      outcomes.pipeInput(outcome.getAccessKeyId(), outcome);
    }
    List<NotificationOutcome> all = awaitNotifications(5);
    // past the digest interval: the digest goes out
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      return soc.sent.size() == 3;
    });

    assertEquals(5, mail.sent.size(), "every owner is told");
    assertEquals(2, soc.sent.stream().filter(s -> !"DIGEST".equals(s.message().status())).count());
    var digest = soc.sent.stream().filter(s -> "DIGEST".equals(s.message().status())).findFirst().orElseThrow();
    assertEquals(3, digest.message().text().lines().filter(l -> l.startsWith("- ")).count(), digest.message().text());
    assertEquals(3, all.stream().filter(n -> n.getDeliveries().get(1).getDetail().contains("digest")).count());
  }

  @Test
  void shouldDeadLetterAnUnreadableOutcomeAndCarryOn() throws Exception {
    start(ROUTING, 0);
    var raw = driver.createInputTopic(topics.remediationOutcomes().name(), new StringSerializer(),
        new ByteArraySerializer());
    raw.pipeInput("junk", "not avro".getBytes());
    RemediationOutcome outcome = rotated("inc-7", "alice@example.com");
    outcomes.pipeInput(outcome.getAccessKeyId(), outcome);

    assertEquals(FailureStage.DESERIALIZATION, deadLetters.readValue().getStage());
    assertEquals("inc-7", awaitNotifications(1).get(0).getIncidentId());
  }
}
