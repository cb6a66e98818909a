package io.leakguard.enricher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestDrivers;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.Severity;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
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

class EnricherTopologyTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");

  private final TopicCatalog topics = new TopicCatalog("test.");
  private final List<InventoryEntry> knownAtEnrichment = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<String, LeakDetected> detected;
  private TestOutputTopic<String, LeakEnriched> enriched;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  /** Records what the join handed it and names the owner from the inventory entry when there is one. */
  private java.util.concurrent.CompletableFuture<LeakEnriched> fakeEnrichment(LeakDetected leak,
      InventoryEntry known) {
    knownAtEnrichment.add(known);
    return java.util.concurrent.CompletableFuture.completedFuture(LeakEnriched.newBuilder()
        .setIncidentId(leak.getIncidentId()).setAccessKeyId(leak.getAccessKeyId()).setKind(leak.getKind())
        .setMaskedKey(leak.getMaskedKey()).setSource(leak.getSource())
        .setOwner(known == null ? Owner.newBuilder().build() : known.getOwner())
        .setOwnerKind(known == null ? OwnerKind.UNKNOWN : OwnerKind.RAM_USER)
        .setSeverity(Severity.HIGH)
        .setTimeline(Timeline.newBuilder(leak.getTimeline()).setEnrichedAt(START).build())
        .build());
  }

  @BeforeEach
  void setUp() {
    driver = TestDrivers.driver(new EnricherApp(), EnricherTopology.build(topics, this::fakeEnrichment), START,
        "--topic.prefix=test.");
    detected = driver.createInputTopic(topics.leaksDetected().name(), new StringSerializer(),
        topics.leaksDetected().valueSerde().serializer());
    enriched = driver.createOutputTopic(topics.leaksEnriched().name(), topics.leaksEnriched().keySerde().deserializer(),
        topics.leaksEnriched().valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters("enricher").name(),
        topics.deadLetters("enricher").keySerde().deserializer(),
        topics.deadLetters("enricher").valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private static LeakDetected leak(String id) {
    return LeakDetected.newBuilder().setIncidentId("inc-" + id).setAccessKeyId(id).setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey(KeyForms.mask(id))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("t").build())
        .setTimeline(Timeline.newBuilder().setSightedAt(START).setDetectedAt(START).build()).build();
  }

  @Test
  void shouldNameTheOwnerFromTheInventoryWhenItKnowsTheKey() {
    // Given the inventory knows alice's key
    String id = SyntheticKeys.accessKeyId();
    driver.createInputTopic(topics.inventory().name(), new StringSerializer(),
            topics.inventory().valueSerde().serializer())
        .pipeInput(id, InventoryEntry.newBuilder().setAccessKeyId(id).setKind(CredentialKind.RAM_USER_KEY)
            .setOwner(Owner.newBuilder().setAccountId("1000000000000001").setUserName("alice").build())
            .setStatus("Active").setObservedAt(START).build());

    // When the key leaks
    detected.pipeInput(id, leak(id));

    // Then the enrichment got the inventory's entry, and the enriched record goes out keyed by the ID
    var record = enriched.readKeyValue();
    assertEquals(id, record.key);
    assertEquals("alice", record.value.getOwner().getUserName());
    assertEquals("alice", knownAtEnrichment.get(0).getOwner().getUserName());
    assertEquals(START, record.value.getTimeline().getEnrichedAt());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldEnrichAKeyTheInventoryHasNotSeen() {
    String id = SyntheticKeys.accessKeyId();

    detected.pipeInput(id, leak(id));

    assertEquals(OwnerKind.UNKNOWN, enriched.readValue().getOwnerKind());
    assertNull(knownAtEnrichment.get(0));
  }

  @Test
  void shouldDeadLetterAnUnreadableLeakAndCarryOn() {
    driver.createInputTopic(topics.leaksDetected().name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput("junk", new byte[] {9, 9, 9});
    String id = SyntheticKeys.accessKeyId();
    detected.pipeInput(id, leak(id));

    assertEquals(FailureStage.DESERIALIZATION, deadLetters.readValue().getStage());
    assertEquals(1, enriched.readRecordsToList().size());
  }
}
