package io.leakguard.deploy;

import io.leakguard.cli.Leakguard;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.emulator.Emulator;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StreamsService;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator commands against a running remediator on a real broker and the emulator: {@code leakguard approve}
 * releases a contained incident of an approve-mode account, and {@code leakguard restore} re-attaches a purged role's
 * policies, refusing before the role's maximum session has passed unless forced.
 */
class OperatorCommandsIT {

  private static final String PREFIX = "ops.";
  private static final TopicCatalog TOPICS = new TopicCatalog(PREFIX);

  @TempDir
  static Path dir;
  static KafkaFixture broker;
  static Emulator emulator;
  static StreamsService remediator;
  static final String account = SyntheticKeys.accountId();
  static final String operatorId = SyntheticKeys.accessKeyId();
  static final String operatorSecret = SyntheticKeys.secret();
  static final String aliceKey = SyntheticKeys.accessKeyId();

  @BeforeAll
  static void start() throws Exception {
    broker = KafkaFixture.start(dir.resolve("kafka"));
    emulator = Emulator.builder().build().start();
    TestFleet.account(account)
        .user("leakguard", u -> u.key(operatorId, operatorSecret).systemPolicy("AdministratorAccess"))
        .user("alice", u -> u.key(aliceKey, SyntheticKeys.secret()))
        .role("app", r -> r.maxSessionDuration(Duration.ofHours(1)).trustAccount(account)
            .systemPolicy("AliyunRAMReadOnlyAccess"))
        .seed(emulator);
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, """
        {"accounts":{"%s":{"users":{"alice":{"mode":"approve","contain":true}}}}}""".formatted(account));
    System.setProperty("alibabacloud.accessKeyId", operatorId);
    System.setProperty("alibabacloud.accessKeySecret", operatorSecret);
    remediator = StreamsService.start(new RemediatorApp(), ServiceMain.loader(new RemediatorApp()).load(Map.of(),
        List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--topic.prefix=" + PREFIX,
            "--topics.partitions=2", "--state.dir=" + dir.resolve("state"), "--health.port=-1",
            "--cloud.endpoint=" + emulator.endpoint(), "--remediation.policy.file=" + policy)));
    await().atMost(Duration.ofSeconds(90)).until(() -> remediator.state() == KafkaStreams.State.RUNNING);
  }

  @AfterAll
  static void stop() {
    if (remediator != null) {
      remediator.close();
    }
    System.clearProperty("alibabacloud.accessKeyId");
    System.clearProperty("alibabacloud.accessKeySecret");
    if (emulator != null) {
      emulator.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldRotateAContainedKeyOnceSomeoneApprovesIt() throws Exception {
    // Given alice's leaked key is contained while waiting for approval
    leak(enriched("inc-approve", aliceKey, OwnerKind.RAM_USER, Owner.newBuilder().setAccountId(account)
        .setUserName("alice").build(), CredentialKind.RAM_USER_KEY));
    assertEquals(RemediationStatus.CONTAINED, awaitOutcome("inc-approve", 1).get(0).getStatus());
    assertEquals("Inactive", emulator.state().key(aliceKey).orElseThrow().status());

    // When someone approves it on the command line
    int exit = Leakguard.execute("approve", "inc-approve", "--by", "carol", "--kafka.bootstrap.servers",
        broker.bootstrapServers(), "--topic.prefix", PREFIX);

    // Then it is rotated and the leaked key deleted
    assertEquals(0, exit);
    RemediationOutcome done = awaitOutcome("inc-approve", 2).get(1);
    assertEquals(RemediationStatus.ROTATED, done.getStatus(), done.getReason());
    assertTrue(emulator.state().key(aliceKey).isEmpty());
  }

  @Test
  void shouldRestoreAPurgedRoleOnlyAfterItsMaxSessionUnlessForced() throws Exception {
    // Given a leaked token of role app was purged
    String token = SyntheticKeys.stsAccessKeyId();
    leak(enriched("inc-purge", token, OwnerKind.ASSUMED_ROLE, Owner.newBuilder().setAccountId(account)
        .setRoleName("app").build(), CredentialKind.STS_TOKEN));
    RemediationOutcome purged = awaitOutcome("inc-purge", 1).get(0);
    assertEquals(RemediationStatus.NEUTRALIZED, purged.getStatus(), purged.getReason());
    assertEquals(List.of("System:AliyunRAMReadOnlyAccess"), purged.getDetachedPolicies());
    CloudFleet fleet = CloudFleet.with(CloudSettings.defaults("cn-hangzhou")
        .withEndpointForAll(URI.create(emulator.endpoint())), FleetSettings.single(),
        new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
    assertTrue(fleet.account(account).ram().listPoliciesForRole("app").isEmpty());
    String[] restore = {"restore", "inc-purge", "--kafka.bootstrap.servers", broker.bootstrapServers(),
        "--topic.prefix", PREFIX, "--cloud.endpoint=" + emulator.endpoint()};

    // When restore runs within the role's max session: refused, nothing attached
    assertEquals(1, Leakguard.execute(restore));
    assertTrue(fleet.account(account).ram().listPoliciesForRole("app").isEmpty());

    // And when forced: the recorded policies are back
    List<String> forced = new ArrayList<>(List.of(restore));
    forced.add("--force");
    assertEquals(0, Leakguard.execute(forced.toArray(String[]::new)));
    assertEquals("AliyunRAMReadOnlyAccess", fleet.account(account).ram().listPoliciesForRole("app").get(0)
        .policyName());
    fleet.close();
  }

  private static LeakEnriched enriched(String incident, String keyId, OwnerKind kind, Owner owner,
      CredentialKind credential) {
    Instant now = Instant.now();
    return LeakEnriched.newBuilder().setIncidentId(incident).setAccessKeyId(keyId).setKind(credential)
        .setMaskedKey(KeyForms.mask(keyId)).setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER)
            .setLocation("it:file").build())
        .setOwner(owner).setOwnerKind(kind)
        .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).setEnrichedAt(now).build())
        .build();
  }

  private static void leak(LeakEnriched leak) throws Exception {
    Topic<String, LeakEnriched> topic = TOPICS.leaksEnriched();
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    try (KafkaProducer<String, LeakEnriched> producer = new KafkaProducer<>(props, topic.keySerde().serializer(),
        topic.valueSerde().serializer())) {
      producer.send(new ProducerRecord<>(topic.name(), leak.getAccessKeyId(), leak)).get();
    }
  }

  private static List<RemediationOutcome> awaitOutcome(String incident, int count) {
    List<RemediationOutcome> found = new ArrayList<>();
    try (KafkaConsumer<String, RemediationOutcome> consumer = broker.committedReader(TOPICS.remediationOutcomes())) {
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> {
          if (incident.equals(r.value().getIncidentId())) {
            found.add(r.value());
          }
        });
        return found.size() >= count;
      });
    }
    return found;
  }
}
