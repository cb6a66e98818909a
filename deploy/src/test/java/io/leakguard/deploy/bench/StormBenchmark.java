package io.leakguard.deploy.bench;

import io.leakguard.detector.DetectorApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.emulator.Faults;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The pipeline under load, detector, enricher and remediator on one broker, the emulator adding 50 ms to every call
 * (STS probes, RAM, KMS, ActionTrail with its 2 calls per second per account), printed, never asserted:
 * <ol>
 *   <li>storm: 1,000 leaks of RAM users spread over 10 member accounts (assumed roles), written to raw-content as one
 *       burst from 20 sources: time from the first sighting to the last deletion, and sighting-to-deletion p50/p99;</li>
 *   <li>one good leak at a time on the idle stack (the baseline), then one good leak written 1 s after a single
 *       raw-content record holding 3,000 random ID/secret pairs: sighting-to-deletion of each.</li>
 * </ol>
 * Run: {@code mvn -q -pl deploy test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.leakguard.deploy.bench.StormBenchmark [-Dexec.args="LEAKS ACCOUNTS LATENCY_MS PAIRS"]}.
 */
public final class StormBenchmark {

  private static final TopicCatalog TOPICS = new TopicCatalog("leakguard.");
  private static final Instant KEYS_CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private StormBenchmark() {}

  public static void main(String[] args) throws Exception {
    int leaks = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int accounts = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    long latency = args.length > 2 ? Long.parseLong(args[2]) : 50;
    int pairs = args.length > 3 ? Integer.parseInt(args[3]) : 3000;
    int baselines = 5;
    try (BenchStack stack = new BenchStack(256)) {
      List<String> members = new ArrayList<>();
      List<String[]> victims = seedFleet(stack, leaks + baselines + 1, accounts, members);
      stack.emulator.faults().configure(new Faults.Config(1L, List.of(
          new Faults.Rule("*", null, null, null, latency, null)), null));
      String fleet = "--cloud.fleet=" + String.join(",", members);
      stack.start(new DetectorApp(), "--topics.partitions=6");
      stack.start(new EnricherApp(), fleet, "--topics.partitions=6");
      stack.start(new RemediatorApp(), fleet, "--topics.partitions=6");
      System.out.printf("storm benchmark: %d CPUs, emulator latency %d ms per call, %d member accounts%n",
          Runtime.getRuntime().availableProcessors(), latency, accounts);

      try (KafkaConsumer<String, RemediationOutcome> outcomes = stack.broker.committedReader(
              TOPICS.remediationOutcomes());
          KafkaProducer<String, RawContent> producer = new KafkaProducer<>(stack.clientProps(),
              TOPICS.rawContent().keySerde().serializer(), TOPICS.rawContent().valueSerde().serializer())) {
        outcomes.poll(Duration.ofMillis(500));
        Map<String, RemediationOutcome> seen = new HashMap<>();

        // 1. The storm
        List<String[]> storm = victims.subList(0, leaks);
        for (int i = 0; i < storm.size(); i++) {
          String[] v = storm.get(i);
          producer.send(new ProducerRecord<>(TOPICS.rawContent().name(), "storm-" + i, new RawContent("ci-" + (i % 20),
              "repo-" + i + "/.env", "AK=" + v[2] + "\nSK=" + v[3] + "\n", null)));
        }
        producer.flush();
        awaitOutcomes(outcomes, seen, storm, Duration.ofMinutes(5));
        report("storm, " + storm.size() + " leaks", storm, seen);

        // 2a. Baseline: one good leak at a time on the idle stack
        List<String[]> idle = victims.subList(leaks, leaks + baselines);
        for (String[] v : idle) {
          producer.send(new ProducerRecord<>(TOPICS.rawContent().name(), "idle", new RawContent("laptop",
              "notes.txt", "AK=" + v[2] + "\nSK=" + v[3] + "\n", null))).get();
          awaitOutcomes(outcomes, seen, java.util.Collections.singletonList(v), Duration.ofMinutes(1));
        }
        report("baseline, one good leak on the idle stack", idle, seen);

        // 2b. One good leak 1 s after a record with thousands of random pairs
        StringBuilder hostile = new StringBuilder();
        for (int i = 0; i < pairs; i++) {
          hostile.append("AK=").append(SyntheticKeys.accessKeyId()).append(" SK=").append(SyntheticKeys.secret())
              .append('\n');
        }
        System.out.printf("  hostile record: %d pairs, %d KB%n", pairs, hostile.length() / 1024);
        Properties big = stack.clientProps();
        big.put("max.request.size", 4 * 1024 * 1024);
        try (KafkaProducer<String, RawContent> bigProducer = new KafkaProducer<>(big,
            TOPICS.rawContent().keySerde().serializer(), TOPICS.rawContent().valueSerde().serializer())) {
          bigProducer.send(new ProducerRecord<>(TOPICS.rawContent().name(), "paste", new RawContent("paste-site",
              "paste/1", hostile.toString(), null))).get();
        }
        Thread.sleep(1000); // the good leak comes while the hostile record is being processed, by design
        String[] good = victims.get(leaks + baselines);
        producer.send(new ProducerRecord<>(TOPICS.rawContent().name(), "good", new RawContent("ci-0",
            "repo-good/.env", "AK=" + good[2] + "\nSK=" + good[3] + "\n", null))).get();
        awaitOutcomes(outcomes, seen, java.util.Collections.singletonList(good), Duration.ofMinutes(2));
        report("one good leak 1 s after the " + pairs + "-pair record", java.util.Collections.singletonList(good), seen);
      }
    }
    System.exit(0);
  }

  /** Seeds a home account with LeakGuard's identity and member accounts with one user and key per victim. */
  static List<String[]> seedFleet(BenchStack stack, int victims, int accounts, List<String> members) {
    TestFleet.Builder seed = TestFleet.account(stack.account)
        .user("leakguard", u -> u.key(stack.operatorId, stack.operatorSecret, KEYS_CREATED)
            .systemPolicy("AdministratorAccess"))
        .and();
    List<String[]> all = new ArrayList<>(); // account, user, key ID, secret
    List<List<String[]>> byAccount = new ArrayList<>();
    for (int a = 0; a < accounts; a++) {
      String account = SyntheticKeys.accountId();
      members.add(account + "=acs:ram::" + account + ":role/leakguard");
      byAccount.add(new ArrayList<>());
      for (int u = a; u < victims; u += accounts) {
        byAccount.get(a).add(new String[] {account, "user" + u, SyntheticKeys.accessKeyId(), SyntheticKeys.secret()});
      }
      TestFleet.Account member = seed.account(account);
      byAccount.get(a).forEach(v -> member.user(v[1], u -> u.key(v[2], v[3], KEYS_CREATED)));
      member.role("leakguard", r -> r.trustAccount(stack.account).systemPolicy("AdministratorAccess"));
    }
    seed.seed(stack.emulator);
    // Interleave the accounts, as leaks of a fleet arrive
    for (int i = 0; i < victims; i++) {
      all.add(byAccount.get(i % accounts).get(i / accounts));
    }
    return all;
  }

  private static void awaitOutcomes(KafkaConsumer<String, RemediationOutcome> consumer,
      Map<String, RemediationOutcome> seen, List<String[]> expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (expected.stream().anyMatch(v -> !seen.containsKey(v[2])) && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(100)).forEach(r -> {
        RemediationOutcome o = r.value();
        if (o.getStatus() != RemediationStatus.AWAITING_APPROVAL) {
          seen.putIfAbsent(o.getAccessKeyId(), o);
        }
      });
    }
  }

  private static void report(String run, List<String[]> leaks, Map<String, RemediationOutcome> seen) {
    List<Long> latencies = new ArrayList<>();
    long firstSighting = Long.MAX_VALUE;
    long lastDeletion = 0;
    Map<RemediationStatus, Long> statuses = new HashMap<>();
    for (String[] v : leaks) {
      RemediationOutcome o = seen.get(v[2]);
      if (o == null) {
        statuses.merge(RemediationStatus.FAILED, 1L, Long::sum);
        continue;
      }
      statuses.merge(o.getStatus(), 1L, Long::sum);
      long sighted = o.getTimeline().getSightedAt().toEpochMilli();
      firstSighting = Math.min(firstSighting, sighted);
      for (RemediationStep step : o.getSteps()) {
        if (step.getName().equals("DeleteAccessKey") && step.getOutcome() == io.leakguard.schemas.StepResult.OK) {
          latencies.add(step.getFinishedAt().toEpochMilli() - sighted);
          lastDeletion = Math.max(lastDeletion, step.getFinishedAt().toEpochMilli());
        }
      }
    }
    latencies.sort(null);
    System.out.printf("%s: %d outcomes %s, %d deleted%n", run, leaks.stream().filter(v -> seen.containsKey(v[2]))
        .count(), statuses, latencies.size());
    if (!latencies.isEmpty()) {
      System.out.printf("  first sighting to last deletion %d ms; sighting to deletion p50 %d ms, p99 %d ms, max %d ms%n",
          lastDeletion - firstSighting, BenchStack.percentile(latencies, 50), BenchStack.percentile(latencies, 99),
          latencies.get(latencies.size() - 1));
    }
  }
}
