package io.leakguard.bridge.securitycenter;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.SecurityCenterGateway;
import io.leakguard.runtime.TopicProvisioner;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import io.leakguard.testkit.KafkaFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Security Center poller with a real broker and the emulator: two member accounts read through their roles, page
 * after page, each record written once across a restart, and an account without permission that stops nothing.
 */
class SecurityCenterPollerIT {

  @TempDir
  static Path dir;
  private static KafkaFixture broker;
  private static final TopicCatalog TOPICS = new TopicCatalog("sas-it.");

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaFixture.start(dir.resolve("kafka"));
    TopicProvisioner.ensure(kafka(), List.of(TOPICS.securityCenterAlerts(), TOPICS.bridgeCheckpoints()), 2, 1);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  private static Map<String, Object> kafka() {
    return Map.of("bootstrap.servers", broker.bootstrapServers());
  }

  private static SecurityCenterPoller poller(CloudFleet fleet, Duration interval) {
    return new SecurityCenterPoller(SasAccounts.of(fleet), TOPICS, kafka(), interval, 2,
        SecurityCenterBridge.TRANSACTIONAL_ID);
  }

  /** Everything committed to the alerts topic so far, read until {@code expected} records are there. */
  private static List<SecurityCenterLeakRecord> committed(KafkaConsumer<String, SecurityCenterLeakRecord> reader,
      List<SecurityCenterLeakRecord> seen, int expected) {
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      reader.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
      return seen.size() >= expected;
    });
    return seen;
  }

  @Test
  void shouldWriteEveryPendingRecordOnceAcrossRestartsAndAccounts() throws Exception {
    try (SasFleet cloud = new SasFleet(); CloudFleet fleet = cloud.cloudFleet();
        KafkaConsumer<String, SecurityCenterLeakRecord> reader = broker.committedReader(TOPICS.securityCenterAlerts())) {
      // Given three leaks in each member (more than a page of two), one already handled, and one in the account
      // whose role may not read Security Center
      Set<Long> expected = new HashSet<>();
      for (String account : List.of(cloud.member1, cloud.member2)) {
        for (int i = 0; i < 3; i++) {
          expected.add(cloud.leak(account, "https://github.com/someone/app/blob/main/" + account + "/" + i));
        }
      }
      long handled = cloud.leak(cloud.member1, "https://github.com/handled");
      fleet.account(cloud.member1).securityCenter().deal(handled, SecurityCenterGateway.DealType.MANUAL, "by hand");
      long deniedLeak = cloud.leak(cloud.denied, "https://github.com/denied");

      // When the poller runs on its schedule
      List<SecurityCenterLeakRecord> seen = new ArrayList<>();
      try (SecurityCenterPoller first = poller(fleet, Duration.ofMillis(200))) {
        first.start();
        committed(reader, seen, 6);
      }

      // Then the members' six pending records are there, each with its account and detail, and the denied account's
      // failure stopped nothing
      assertEquals(expected, seen.stream().map(SecurityCenterLeakRecord::id).collect(Collectors.toSet()));
      SecurityCenterLeakRecord one = seen.get(0);
      assertEquals(cloud.leakedKeys.get(one.accountId()), one.accesskeyId());
      assertEquals("GitHub", one.source());
      assertEquals("someone/app", one.githubRepoName());
      assertTrue(one.reference().orElseThrow().text().endsWith(" in account " + one.accountId()));

      // When new leaks appear (one again at a URL already reported: the same record) and a new poller starts
      expected.add(cloud.leak(cloud.member1, "https://github.com/someone/app/blob/main/new"));
      expected.add(cloud.leak(cloud.member2, "https://github.com/someone/app/blob/main/new"));
      cloud.leak(cloud.member1, "https://github.com/someone/app/blob/main/" + cloud.member1 + "/0");
      try (SecurityCenterPoller second = poller(fleet, Duration.ofHours(1))) {
        // Then it reads from the committed checkpoints: only the two new records, and nothing on the next round
        assertEquals(2, second.pollOnce());
        assertEquals(0, second.pollOnce());

        // When the denied account is granted Security Center, its record comes on the next round
        cloud.grantDenied();
        assertEquals(1, second.pollOnce());
        expected.add(deniedLeak);
      }
      committed(reader, seen, 9);
      reader.poll(Duration.ofSeconds(1)).forEach(r -> seen.add(r.value()));
      List<Long> ids = seen.stream().map(SecurityCenterLeakRecord::id).toList();
      assertEquals(expected, new HashSet<>(ids));
      assertEquals(ids.size(), new HashSet<>(ids).size(), "a record was written twice: " + ids);
    }
  }
}
