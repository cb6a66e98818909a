package io.leakguard.remediator.bench;

import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.Faults;
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
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Throughput of the remediator across a fleet: 1,000 leaks over 10 member accounts (assumed roles), every emulator
 * call delayed by 50 ms. All leaks are written to {@code leaks.enriched} at once; the benchmark prints the total time
 * from the first detection to the last deletion and each incident's detection-to-deletion p50/p99. Prints, never
 * asserts. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl remediator test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp remediator/target/test-classes:remediator/target/classes:$(cat remediator/target/cp.txt) \
 *      io.leakguard.remediator.bench.RemediationThroughputBenchmark [leaks=1000] [accounts=10] [latencyMs=50] [--KEY=VALUE ...]
 * </pre>
 *
 * Extra {@code --KEY=VALUE} arguments go to the remediator (e.g. {@code --remediation.workers=64}). The remediator
 * runs with its production defaults otherwise.
 */
public final class RemediationThroughputBenchmark {

  private static final Instant KEYS_CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private RemediationThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    for (String arg : args) {
      (arg.startsWith("--") ? extra : positional).add(arg);
    }
    int leaks = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 1000;
    int accounts = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 10;
    long latency = positional.size() > 2 ? Long.parseLong(positional.get(2)) : 50;
    Path dir = Files.createTempDirectory("leakguard-throughput");
    TopicCatalog topics = new TopicCatalog("bench.");
    try (KafkaFixture broker = KafkaFixture.start(dir.resolve("kafka"));
        Emulator emulator = Emulator.builder().threads(128).build().start()) {
      String home = SyntheticKeys.accountId();
      String operatorId = SyntheticKeys.accessKeyId();
      String operatorSecret = SyntheticKeys.secret();
      TestFleet.Builder seed = TestFleet.account(home)
          .user("leakguard", u -> u.key(operatorId, operatorSecret, KEYS_CREATED)
              .systemPolicy("AliyunSTSAssumeRoleAccess"))
          .and();
      List<String[]> victims = new ArrayList<>(); // account, user, key
      List<String> members = new ArrayList<>();
      for (int a = 0; a < accounts; a++) {
        String account = SyntheticKeys.accountId();
        members.add(account + "=acs:ram::" + account + ":role/leakguard");
        TestFleet.Account member = seed.account(account);
        for (int u = a; u < leaks; u += accounts) {
          String id = SyntheticKeys.accessKeyId();
          victims.add(new String[] {account, "user" + u, id});
          member.user("user" + u, user -> user.key(id, SyntheticKeys.secret(), KEYS_CREATED));
        }
        member.role("leakguard", r -> r.trustAccount(home).systemPolicy("AdministratorAccess"));
      }
      seed.seed(emulator);
      emulator.faults().configure(new Faults.Config(1L, List.of(
          new Faults.Rule("*", null, null, null, latency, null)), Map.of()));

      System.setProperty("alibabacloud.accessKeyId", operatorId);
      System.setProperty("alibabacloud.accessKeySecret", operatorSecret);
      List<String> flags = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(),
          "--topic.prefix=bench.", "--topics.partitions=6", "--state.dir=" + dir.resolve("state"),
          "--health.port=-1", "--cloud.endpoint=" + emulator.endpoint(), "--cloud.fleet=" + String.join(",", members)));
      flags.addAll(extra);
      try (StreamsService remediator = StreamsService.start(new RemediatorApp(),
          ServiceMain.loader(new RemediatorApp()).load(Map.of(), flags))) {
        long deadline = System.currentTimeMillis() + 120_000;
        while (remediator.state() != KafkaStreams.State.RUNNING && System.currentTimeMillis() < deadline) {
          Thread.sleep(50);
        }
        Map<String, RemediationOutcome> outcomes = new HashMap<>();
        try (KafkaConsumer<String, RemediationOutcome> consumer = consumer(broker, topics)) {
          consumer.poll(Duration.ofMillis(500));
          Topic<String, LeakEnriched> topic = topics.leaksEnriched();
          Properties props = new Properties();
          props.put("bootstrap.servers", broker.bootstrapServers());
          props.put("linger.ms", "5");
          Instant start = Instant.now();
          try (KafkaProducer<String, LeakEnriched> producer = new KafkaProducer<>(props,
              topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            int n = 0;
            for (String[] v : victims) {
              Instant now = Instant.now();
              LeakEnriched leak = LeakEnriched.newBuilder().setIncidentId("bench-" + n++).setAccessKeyId(v[2])
                  .setKind(CredentialKind.RAM_USER_KEY).setMaskedKey(KeyForms.mask(v[2]))
                  .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("bench").build())
                  .setOwner(Owner.newBuilder().setAccountId(v[0]).setUserName(v[1]).build())
                  .setOwnerKind(OwnerKind.RAM_USER)
                  .setTimeline(Timeline.newBuilder().setSightedAt(now).setDetectedAt(now).setEnrichedAt(now).build())
                  .build();
              producer.send(new ProducerRecord<>(topic.name(), v[2], leak));
            }
          }
          deadline = System.currentTimeMillis() + 300_000;
          while (outcomes.size() < victims.size() && System.currentTimeMillis() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> outcomes.put(r.value().getIncidentId(), r.value()));
          }
          report(start, outcomes, victims.size(), accounts, latency);
        }
      } finally {
        System.clearProperty("alibabacloud.accessKeyId");
        System.clearProperty("alibabacloud.accessKeySecret");
      }
    }
    System.exit(0);
  }

  private static void report(Instant start, Map<String, RemediationOutcome> outcomes, int leaks, int accounts,
      long latency) {
    List<Long> perIncident = new ArrayList<>();
    long firstDetection = Long.MAX_VALUE;
    long lastDeletion = 0;
    for (RemediationOutcome outcome : outcomes.values()) {
      Instant detected = outcome.getTimeline().getDetectedAt();
      firstDetection = Math.min(firstDetection, detected.toEpochMilli());
      for (RemediationStep step : outcome.getSteps()) {
        if (step.getName().equals("DeleteAccessKey")) {
          perIncident.add(step.getFinishedAt().toEpochMilli() - detected.toEpochMilli());
          lastDeletion = Math.max(lastDeletion, step.getFinishedAt().toEpochMilli());
        }
      }
    }
    Map<RemediationStatus, Long> statuses = outcomes.values().stream()
        .collect(Collectors.groupingBy(RemediationOutcome::getStatus, Collectors.counting()));
    perIncident.sort(null);
    System.out.printf("throughput: %d leaks over %d accounts, %d ms emulator latency per call, %d CPUs%n", leaks,
        accounts, latency, Runtime.getRuntime().availableProcessors());
    System.out.printf("  outcomes: %d %s; deletions: %d%n", outcomes.size(), statuses, perIncident.size());
    System.out.printf("  total (first detection to last deletion): %d ms (from the first write: %d ms)%n",
        lastDeletion - firstDetection, lastDeletion - start.toEpochMilli());
    System.out.printf("  per incident, detection to deletion: p50 %d ms, p99 %d ms, max %d ms%n",
        pct(perIncident, 50), pct(perIncident, 99), perIncident.isEmpty() ? -1 : perIncident.get(perIncident.size() - 1));
  }

  static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static KafkaConsumer<String, RemediationOutcome> consumer(KafkaFixture broker, TopicCatalog topics) {
    return broker.committedReader(topics.remediationOutcomes());
  }

}
