package io.leakguard.remediator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Faults;
import io.leakguard.emulator.KeyView;
import io.leakguard.emulator.StateSnapshot;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test of the issue: the remediator runs as its own JVM and is killed with SIGKILL
 * ({@code Process.destroyForcibly()}) at random moments while it remediates 200 leaks over four member accounts
 * (assumed roles), then restarted from the same state directory. Afterwards every leaked key is deleted, every user
 * has exactly one new key and it is KMS {@code ACSCurrent} with the incident as version, no other key changed, and
 * there is exactly one outcome per incident. A fifth of the leaks arrive twice (duplicates must do nothing). A quarter
 * of the leaked keys made themselves a way back in (the enrichment lists a key they created for another user and a
 * policy they attached to that user), so kills also land in the middle of persistence sweeps: afterwards every planted
 * key is deleted and every planted policy detached, each by exactly one successful call (nothing reverted twice,
 * nothing missed), and every outcome lists both as reverted.
 *
 * <p>The emulator adds 25 ms to every call and each account runs at most 3 incidents at once, so the run lasts long
 * enough for the kills to land in the middle of steps. {@code -Dcrash.kills=N}, {@code -Dcrash.seed=S} tune it.
 */
class RemediatorCrashIT {

  private static final int ACCOUNTS = 4;
  private static final String PLANTED_POLICY = "AliyunRAMReadOnlyAccess";
  private static final int LEAKS = 200;
  private static final TopicCatalog TOPICS = new TopicCatalog("crash.");

  @TempDir
  Path dir;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void shouldRemediateEveryLeakExactlyOnceWhenTheRemediatorIsKilledAtRandomMoments() throws Exception {
    int kills = Integer.getInteger("crash.kills", 5);
    long seed = Long.getLong("crash.seed", System.nanoTime());
    // The kill moments follow from the seed: a failure is replayed with -Dcrash.seed=<this value>.
    System.out.println("RemediatorCrashIT: random seed " + seed + " (replay with -Dcrash.seed=" + seed + ")");
    Random random = new Random(seed);
    try (KafkaFixture broker = KafkaFixture.start(dir.resolve("kafka"));
        Emulator emulator = Emulator.builder().threads(16).build().start()) {
      // Given four member accounts with 50 users each, one key per user, and a bystander user per account
      Fleet fleet = Fleet.seed(emulator, ACCOUNTS, LEAKS / ACCOUNTS);
      emulator.faults().configure(new Faults.Config(7L, List.of(
          new Faults.Rule("*", null, null, null, 25L, null)), null));
      Map<String, String> bystandersBefore = fleet.bystanderKeys(emulator);
      int healthPort = freePort();
      List<String> args = List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--topic.prefix=crash.",
          "--topics.partitions=4", "--state.dir=" + dir.resolve("state"), "--health.port=" + healthPort,
          "--health.bind=127.0.0.1", "--cloud.endpoint=" + emulator.endpoint(), "--cloud.fleet=" + fleet.fleetOption(),
          "--remediation.workers.per.account=3", "--remediation.retry.base=50ms");
      // No session-timeout tuning: static membership (the runtime's group.instance.id, stable for this state
      // directory) gives a restarted remediator its tasks back at once, with the production defaults.

      // When the remediator starts, the leaks arrive (a fifth of them twice), and it is killed at random moments
      Process remediator = startRemediator(args, fleet, 0);
      awaitReady(healthPort, remediator);
      produceLeaks(broker, fleet, random);
      int done = 0;
      List<Long> recoveries = new ArrayList<>();
      for (int kill = 1; kill <= kills; kill++) {
        int before = deletedLeakedKeys(emulator, fleet);
        await().atMost(Duration.ofSeconds(90)).until(() -> deletedLeakedKeys(emulator, fleet) > before
            || deletedLeakedKeys(emulator, fleet) == LEAKS);
        // The point is a random moment: somewhere in the middle of the cloud steps of several incidents.
        Thread.sleep(random.nextInt(1200));
        remediator.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        done = deletedLeakedKeys(emulator, fleet);
        System.out.printf("crash test: kill -9 #%d after %d of %d leaked keys deleted%n", kill, done, LEAKS);
        long restarted = System.nanoTime();
        remediator = startRemediator(args, fleet, kill);
        awaitReady(healthPort, remediator);
        int atRestart = done;
        await().atMost(Duration.ofSeconds(90)).until(() -> deletedLeakedKeys(emulator, fleet) > atRestart
            || deletedLeakedKeys(emulator, fleet) == LEAKS);
        long recovery = (System.nanoTime() - restarted) / 1_000_000;
        recoveries.add(recovery);
        System.out.printf("crash test: restart #%d to its first deletion: %d ms%n", kill, recovery);
      }

      // Then, once it has finished, there is exactly one outcome per incident, every one ROTATED
      Map<String, List<RemediationOutcome>> outcomes = new HashMap<>();
      try (KafkaConsumer<String, RemediationOutcome> consumer = outcomesConsumer(broker)) {
        await().atMost(Duration.ofSeconds(150)).until(() -> {
          for (ConsumerRecord<String, RemediationOutcome> r : consumer.poll(Duration.ofMillis(200))) {
            outcomes.computeIfAbsent(r.value().getIncidentId(), k -> new ArrayList<>()).add(r.value());
          }
          return outcomes.size() == LEAKS;
        });
        remediator.destroy();
        remediator.waitFor(40, TimeUnit.SECONDS);
        for (int i = 0; i < 5; i++) {
          consumer.poll(Duration.ofMillis(200)).forEach(r ->
              outcomes.computeIfAbsent(r.value().getIncidentId(), k -> new ArrayList<>()).add(r.value()));
        }
      }
      assertEquals(LEAKS, outcomes.size());
      outcomes.forEach((incident, list) -> assertEquals(1, list.size(), "outcomes of " + incident));
      outcomes.values().forEach(list -> assertEquals(RemediationStatus.ROTATED, list.get(0).getStatus(),
          list.get(0).getReason()));

      // And every leaked key is deleted; each user has exactly one key, the new one, held by KMS as ACSCurrent
      StateSnapshot state = emulator.state().snapshot();
      Map<String, List<KeyView>> keysByUser = state.keys().stream().filter(k -> k.userName() != null)
          .collect(Collectors.groupingBy(k -> k.accountId() + "/" + k.userName()));
      for (Leak leak : fleet.leaks()) {
        assertTrue(emulator.state().key(leak.keyId()).isEmpty(), "leaked key of " + leak.user() + " is deleted");
        List<KeyView> keys = keysByUser.getOrDefault(leak.account() + "/" + leak.user(), List.of());
        assertEquals(1, keys.size(), leak.user() + " has exactly one key");
        RemediationOutcome outcome = outcomes.get(leak.incident()).get(0);
        assertEquals(outcome.getNewAccessKeyId(), keys.get(0).accessKeyId());
        var secret = state.secrets().stream().filter(s -> s.accountId().equals(leak.account())
            && s.secretName().equals("leakguard/" + leak.account() + "/" + leak.user())).findFirst().orElseThrow();
        var current = secret.versions().stream().filter(v -> v.stages().contains("ACSCurrent")).findFirst()
            .orElseThrow();
        assertEquals(keys.get(0).accessKeyId(), current.accessKeyId(), leak.user() + "'s new key is ACSCurrent");
        assertEquals(leak.incident(), current.versionId());
      }
      // And no other key changed
      assertEquals(bystandersBefore, fleet.bystanderKeys(emulator));

      // And every sweep finished exactly once: each planted key deleted and each planted policy detached by one
      // successful call, though runs were killed in the middle of sweeps, and every outcome says so
      Map<String, Integer> sweepCalls = successfulSweepCalls(emulator);
      int persisted = 0;
      int redone = 0;
      int interrupted = 0;
      for (Leak leak : fleet.leaks()) {
        if (leak.planted() == null) {
          continue;
        }
        persisted++;
        assertTrue(emulator.state().key(leak.plantedKey()).isEmpty(), "planted key of " + leak.planted());
        assertEquals(List.of(), state.users().stream().filter(u -> u.accountId().equals(leak.account())
            && u.userName().equals(leak.planted())).findFirst().orElseThrow().policies(), leak.planted());
        assertEquals(1, sweepCalls.getOrDefault("DeleteAccessKey " + leak.plantedKey(), 0),
            "successful deletions of " + leak.planted() + "'s planted key");
        assertEquals(1, sweepCalls.getOrDefault("DetachPolicyFromUser " + leak.account() + "/" + leak.planted(), 0),
            "successful detachments from " + leak.planted());
        List<String> handling = outcomes.get(leak.incident()).get(0).getPersistence().stream()
            .map(io.leakguard.schemas.PersistenceAction::getHandling).toList();
        assertEquals(2, handling.size());
        handling.forEach(h -> assertTrue(h != null && h.startsWith(PersistenceSweep.REVERTED), String.valueOf(h)));
        // A revert a killed run had done before its journal said so: the resumed run found the target gone.
        redone += (int) handling.stream().filter(h -> h.contains("already gone") || h.contains("no longer attached"))
            .count();
        interrupted += (int) outcomes.get(leak.incident()).get(0).getSteps().stream()
            .filter(st -> st.getName().equals("DetachPolicyFromUser") && st.getDetail() != null
                && st.getDetail().startsWith("interrupted")).count();
      }
      System.out.printf("crash test: %d sweeps (%d planted keys, %d planted policies), each reverted by exactly one "
          + "successful call; %d reverts found done by a killed run, %d sweep steps interrupted by a kill; %d "
          + "DeleteAccessKey/DetachPolicyFromUser calls failed (target already gone, or a retried error)%n",
          persisted, persisted, persisted, redone, interrupted, failedSweepCalls(emulator));

      // Every key CreateAccessKey made is either a user's one remaining key (asserted above) or an orphan of an
      // interrupted run that a resumed run deleted: the audit trail counts the creations.
      int created = successfulCalls(emulator, List.of("CreateAccessKey")).get("CreateAccessKey");
      System.out.printf("crash test: %d leaks (%d duplicates) over %d accounts, %d kills with SIGKILL; %d leaked keys "
              + "deleted; %d keys created, of which %d are the users' new keys (one each, KMS ACSCurrent) and %d were "
              + "orphans of interrupted runs, deleted on recovery; %d outcomes, one per incident%n", LEAKS,
          fleet.duplicates, ACCOUNTS, kills, LEAKS, created, LEAKS, created - LEAKS,
          outcomes.values().stream().mapToInt(List::size).sum());
      System.out.printf("crash test: restart (JVM start included) to first deletion after kill -9: %s ms%n",
          recoveries);
    }
  }

  // ------------------------------------------------------------------ fixture

  /** A leaked key; {@code planted} (or null) is the user whose key and policy the leaked key created. */
  record Leak(String account, String user, String keyId, String incident, String planted, String plantedKey) {}

  /** The seeded organization: a home account for LeakGuard's user, member accounts with the users. */
  static final class Fleet {
    private static final Instant KEYS_CREATED = Instant.parse("2026-01-01T00:00:00Z");
    final String home = SyntheticKeys.accountId();
    final String operatorId = SyntheticKeys.accessKeyId();
    final String operatorSecret = SyntheticKeys.secret();
    final Map<String, List<Leak>> byAccount = new LinkedHashMap<>();
    int duplicates;

    static Fleet seed(Emulator emulator, int accounts, int usersPerAccount) {
      Fleet fleet = new Fleet();
      TestFleet.Builder seed = TestFleet.account(fleet.home)
          .user("leakguard", u -> u.key(fleet.operatorId, fleet.operatorSecret, KEYS_CREATED)
              .systemPolicy("AliyunSTSAssumeRoleAccess"))
          .and();
      for (int a = 0; a < accounts; a++) {
        String account = SyntheticKeys.accountId();
        List<Leak> leaks = new ArrayList<>();
        TestFleet.Account member = seed.account(account)
            .user("bystander", u -> u.key(SyntheticKeys.accessKeyId(), SyntheticKeys.secret(), KEYS_CREATED));
        for (int u = 0; u < usersPerAccount; u++) {
          boolean persisted = u % 4 == 0;
          Leak leak = new Leak(account, "user" + u, SyntheticKeys.accessKeyId(), "inc-" + a + "-" + u,
              persisted ? "planted" + u : null, persisted ? SyntheticKeys.accessKeyId() : null);
          leaks.add(leak);
          member.user(leak.user(), user -> user.key(leak.keyId(), SyntheticKeys.secret(), KEYS_CREATED));
          if (persisted) {
            member.user(leak.planted(), user -> user.key(leak.plantedKey(), SyntheticKeys.secret(), KEYS_CREATED)
                .systemPolicy(PLANTED_POLICY));
          }
        }
        member.role("leakguard", r -> r.trustAccount(fleet.home)
            .systemPolicy("AliyunRAMFullAccess").systemPolicy("AliyunKMSFullAccess"));
        fleet.byAccount.put(account, leaks);
      }
      seed.seed(emulator);
      return fleet;
    }

    String fleetOption() {
      return byAccount.keySet().stream().map(a -> a + "=acs:ram::" + a + ":role/leakguard")
          .collect(Collectors.joining(","));
    }

    List<Leak> leaks() {
      return byAccount.values().stream().flatMap(List::stream).toList();
    }

    /** The keys that must not change: LeakGuard's own and each account's bystander, with owner and status. */
    Map<String, String> bystanderKeys(Emulator emulator) {
      Map<String, String> keys = new HashMap<>();
      emulator.state().snapshot().keys().stream()
          .filter(k -> "bystander".equals(k.userName()) || "leakguard".equals(k.userName()))
          .forEach(k -> keys.put(k.accessKeyId(), k.accountId() + "/" + k.userName() + " " + k.status()));
      return keys;
    }
  }

  private Process startRemediator(List<String> args, Fleet fleet, int run) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    // C1 only, as the local stack's JVMs: a process killed within seconds never earns back C2's compiling.
    List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), RemediatorApp.class.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("remediator-" + run + ".log").toFile());
    // Credentials the production way: the default chain's environment variables, nothing else of ours.
    builder.environment().keySet().removeIf(k -> k.startsWith("ALIBABA_CLOUD_"));
    builder.environment().put("ALIBABA_CLOUD_ACCESS_KEY_ID", fleet.operatorId);
    builder.environment().put("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fleet.operatorSecret);
    builder.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    return builder.start();
  }

  private void awaitReady(int port, Process remediator) {
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
        .timeout(Duration.ofSeconds(2)).build();
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!remediator.isAlive()) {
        throw new AssertionError("the remediator exited with " + remediator.exitValue() + "; see its log in " + dir);
      }
      try {
        return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
      } catch (java.io.IOException notYet) {
        return false;
      }
    });
  }

  private void produceLeaks(KafkaFixture broker, Fleet fleet, Random random) throws Exception {
    Topic<String, LeakEnriched> topic = TOPICS.leaksEnriched();
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put("acks", "all");
    List<Leak> leaks = new ArrayList<>(fleet.leaks());
    java.util.Collections.shuffle(leaks, random);
    try (KafkaProducer<String, LeakEnriched> producer = new KafkaProducer<>(props, topic.keySerde().serializer(),
        topic.valueSerde().serializer())) {
      for (Leak leak : leaks) {
        LeakEnriched record = Leaks.ownedBy(leak.incident(), leak.keyId(), leak.account(), leak.user());
        if (leak.planted() != null) {
          Instant at = Instant.now().minusSeconds(30);
          java.util.function.Function<String, io.leakguard.schemas.PersistenceAction.Builder> action = event ->
              io.leakguard.schemas.PersistenceAction.newBuilder().setEventId(leak.incident() + "-" + event)
                  .setEventName(event).setEventTime(at).setSourceIp("203.0.113.66").setAccountId(leak.account())
                  .setActorAccessKeyId(leak.keyId()).setUserName(leak.planted());
          record = LeakEnriched.newBuilder(record).setPersistence(List.of(
              action.apply("CreateAccessKey").setCreatedAccessKeyId(leak.plantedKey()).build(),
              action.apply("AttachPolicyToUser").setPolicyType("System").setPolicyName(PLANTED_POLICY).build()))
              .build();
        }
        producer.send(new ProducerRecord<>(topic.name(), leak.keyId(), record));
        if (random.nextInt(5) == 0) {
          producer.send(new ProducerRecord<>(topic.name(), leak.keyId(), record));
          fleet.duplicates++;
        }
      }
      producer.flush();
    }
  }

  private static int deletedLeakedKeys(Emulator emulator, Fleet fleet) {
    var present = emulator.state().snapshot().keys().stream().map(KeyView::accessKeyId)
        .collect(Collectors.toSet());
    return (int) fleet.leaks().stream().filter(l -> !present.contains(l.keyId())).count();
  }

  private Map<String, Integer> successfulCalls(Emulator emulator, List<String> actions) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/admin/events?limit=10000"))
        .header("Authorization", "Bearer " + emulator.adminToken()).build();
    JsonNode events = json.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).path("events");
    Map<String, Integer> counts = new HashMap<>();
    actions.forEach(a -> counts.put(a, 0));
    for (JsonNode event : events) {
      String name = event.path("eventName").asText();
      if (counts.containsKey(name) && event.path("errorCode").asText("").isEmpty()) {
        counts.merge(name, 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Successful sweep calls by target: "DeleteAccessKey <key ID>", "DetachPolicyFromUser <account>/<user>". */
  private Map<String, Integer> successfulSweepCalls(Emulator emulator) throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (JsonNode event : events(emulator)) {
      String name = event.path("eventName").asText();
      JsonNode params = event.path("requestParameters");
      if (!event.path("errorCode").asText("").isEmpty()) {
        continue;
      }
      if (name.equals("DeleteAccessKey")) {
        counts.merge(name + " " + params.path("UserAccessKeyId").asText(), 1, Integer::sum);
      } else if (name.equals("DetachPolicyFromUser")) {
        counts.merge(name + " " + event.path("userIdentity").path("accountId").asText() + "/"
            + params.path("UserName").asText(), 1, Integer::sum);
      }
    }
    return counts;
  }

  private int failedSweepCalls(Emulator emulator) throws Exception {
    int failed = 0;
    for (JsonNode event : events(emulator)) {
      String name = event.path("eventName").asText();
      if ((name.equals("DetachPolicyFromUser") || name.equals("DeleteAccessKey"))
          && !event.path("errorCode").asText("").isEmpty()) {
        failed++;
      }
    }
    return failed;
  }

  private JsonNode events(Emulator emulator) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/admin/events?limit=10000"))
        .header("Authorization", "Bearer " + emulator.adminToken()).build();
    JsonNode events = json.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).path("events");
    assertTrue(events.size() < 10_000, "the admin API's page (10,000 newest events) must hold the whole test");
    return events;
  }

  private static KafkaConsumer<String, RemediationOutcome> outcomesConsumer(KafkaFixture broker) {
    return broker.committedReader(TOPICS.remediationOutcomes());
  }


  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
