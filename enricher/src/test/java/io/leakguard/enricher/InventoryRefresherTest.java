package io.leakguard.enricher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.emulator.Emulator;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.TopicCatalog;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InventoryRefresherTest {

  private final TopicCatalog topics = new TopicCatalog("test.");
  private final String account = SyntheticKeys.accountId();
  private final String operatorId = SyntheticKeys.accessKeyId();
  private final String operatorSecret = SyntheticKeys.secret();
  private final String aliceKey = SyntheticKeys.accessKeyId();
  private Emulator emulator;
  private CloudFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    TestFleet.account(account)
        .user("leakguard", u -> u.key(operatorId, operatorSecret).systemPolicy("AdministratorAccess"))
        .user("alice", u -> u.key(aliceKey, SyntheticKeys.secret()))
        .seed(emulator);
    fleet = CloudFleet.with(CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        FleetSettings.single(), new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
  }

  @AfterEach
  void tearDown() {
    fleet.close();
    emulator.close();
  }

  @Test
  void shouldWriteEveryKeyOfTheFleetAndATombstoneForAKeyThatIsGone() throws Exception {
    MockProducer<String, InventoryEntry> producer = new MockProducer<>(true, null,
        topics.inventory().keySerde().serializer(), topics.inventory().valueSerde().serializer());
    InventoryRefresher refresher = new InventoryRefresher(new OwnerDirectory(fleet, java.time.Duration.ZERO,
        Clock.systemUTC()), producer, topics.inventory(), Clock.systemUTC());

    // When the fleet is walked
    assertEquals(2, refresher.refresh());

    // Then each key has its owner
    Map<String, InventoryEntry> entries = producer.history().stream()
        .collect(Collectors.toMap(ProducerRecord::key, ProducerRecord::value));
    assertEquals("alice", entries.get(aliceKey).getOwner().getUserName());
    assertEquals(account, entries.get(aliceKey).getOwner().getAccountId());
    assertEquals("Active", entries.get(aliceKey).getStatus());

    // And when alice's key is deleted, the next walk writes its tombstone
    producer.clear();
    new io.leakguard.cloud.RamGateway(new io.leakguard.cloud.CloudCaller(
        CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint())),
        new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)))).deleteAccessKey("alice", aliceKey);
    assertEquals(1, refresher.refresh());
    ProducerRecord<String, InventoryEntry> tombstone = producer.history().stream()
        .filter(r -> r.key().equals(aliceKey)).findFirst().orElseThrow();
    assertNull(tombstone.value());
  }
}
