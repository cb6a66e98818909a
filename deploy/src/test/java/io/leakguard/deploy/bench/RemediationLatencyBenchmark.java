package io.leakguard.deploy.bench;

import io.leakguard.detector.DetectorApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.emulator.Emulator;
import io.leakguard.remediator.RemediatorApp;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StreamsService;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.testkit.KafkaFixture;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Latency of one leak on an idle local stack with no emulator latency: from the sighting (the raw-content record's
 * timestamp, the timeline's {@code sightedAt}) to the leaked key's deletion (the DeleteAccessKey step's end in the
 * outcome), through the detector, the enricher and the remediator, one leak at a time, 200 samples after 10 for
 * warm-up. Prints p50/p90/p99 and each stage's share; never asserts. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl deploy test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp deploy/target/test-classes:deploy/target/classes:$(cat deploy/target/cp.txt) \
 *      io.leakguard.deploy.bench.RemediationLatencyBenchmark [samples=200] [commitIntervalMs=0 (the default)] [--KEY=VALUE ...]
 * </pre>
 *
 * <p>The Streams settings that matter are {@code commit.interval.ms} and {@code poll.ms}: under exactly-once a
 * stage's output becomes visible to the next stage (read_committed) only when the transaction commits. The runtime's
 * production defaults (25 ms and 10 ms, see StreamsService) are used unless a commit interval is given (0 = the
 * default). Extra {@code --KEY=VALUE} arguments go to every service, e.g. {@code --enrich.activity.timeout=300ms}.
 */
public final class RemediationLatencyBenchmark {

  private RemediationLatencyBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    List<String> extra = new ArrayList<>();
    for (String arg : args) {
      (arg.startsWith("--") ? extra : positional).add(arg);
    }
    int samples = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 200;
    int commitMs = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 0;
    int warmUp = 10;
    Path dir = Files.createTempDirectory("leakguard-latency");
    TopicCatalog topics = new TopicCatalog("lat.");
    String account = SyntheticKeys.accountId();
    String operatorId = SyntheticKeys.accessKeyId();
    String operatorSecret = SyntheticKeys.secret();
    List<String[]> victims = new ArrayList<>();
    TestFleet.Account fleet = TestFleet.account(account)
        .user("leakguard", u -> u.key(operatorId, operatorSecret).systemPolicy("AdministratorAccess"));
    for (int i = 0; i < samples + warmUp; i++) {
      String[] v = {"user" + i, SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
      victims.add(v);
      fleet.user(v[0], u -> u.key(v[1], v[2]));
    }
    List<StreamsService> services = new ArrayList<>();
    try (KafkaFixture broker = KafkaFixture.start(dir.resolve("kafka"));
        Emulator emulator = Emulator.builder().build().start()) {
      fleet.seed(emulator);
      System.setProperty("alibabacloud.accessKeyId", operatorId);
      System.setProperty("alibabacloud.accessKeySecret", operatorSecret);
      for (ServiceDefinition service : List.of(new DetectorApp(), new EnricherApp(), new RemediatorApp())) {
        List<String> flags = new ArrayList<>(List.of("--kafka.bootstrap.servers=" + broker.bootstrapServers(),
            "--topic.prefix=lat.", "--topics.partitions=3", "--state.dir=" + dir.resolve("state/" + service.name()),
            "--health.port=-1", "--cloud.endpoint=" + emulator.endpoint()));
        if (commitMs > 0) {
          flags.add("--kafka.commit.interval.ms=" + commitMs);
        }
        flags.addAll(extra.stream().filter(f -> ServiceMain.loader(service).options().stream()
            .anyMatch(o -> f.startsWith("--" + o.key() + "=")) || f.startsWith("--kafka.")).toList());
        services.add(StreamsService.start(service, ServiceMain.loader(service).load(Map.of(), flags)));
      }
      long deadline = System.currentTimeMillis() + 120_000;
      while (services.stream().anyMatch(s -> s.state() != KafkaStreams.State.RUNNING)
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      List<long[]> results = new ArrayList<>(); // total, detect, enrich, to the first cloud step, cloud steps
      Topic<String, RawContent> raw = topics.rawContent();
      Properties producerProps = new Properties();
      producerProps.put("bootstrap.servers", broker.bootstrapServers());
      producerProps.put("linger.ms", "0");
      try (KafkaProducer<String, RawContent> producer = new KafkaProducer<>(producerProps,
          raw.keySerde().serializer(), raw.valueSerde().serializer());
          KafkaConsumer<String, RemediationOutcome> consumer = consumer(broker, topics)) {
        consumer.poll(Duration.ofMillis(500));
        for (int i = 0; i < victims.size(); i++) {
          String[] v = victims.get(i);
          // Idle means idle: ActionTrail LookupEvents allows 2 calls a second per account, and back-to-back leaks
          // would measure the enricher's wait for that budget instead of the pipeline. One leak every 600 ms.
          long pace = System.currentTimeMillis() + 600;
          producer.send(new ProducerRecord<>(raw.name(), v[0] + "/.env", new RawContent("bench", v[0] + "/.env",
              "ACCESS_KEY_ID=" + v[1] + "\nACCESS_KEY_SECRET=" + v[2], null))).get();
          RemediationOutcome outcome = null;
          long until = System.currentTimeMillis() + 30_000;
          while (outcome == null && System.currentTimeMillis() < until) {
            for (ConsumerRecord<String, RemediationOutcome> r : consumer.poll(Duration.ofMillis(5))) {
              if (r.key().equals(v[1])) {
                outcome = r.value();
              }
            }
          }
          long rest = pace - System.currentTimeMillis();
          if (rest > 0) {
            Thread.sleep(rest); // pacing, see above
          }
          if (outcome == null || i < warmUp) {
            continue;
          }
          Timeline t = outcome.getTimeline();
          long deleted = outcome.getSteps().stream().filter(s -> s.getName().equals("DeleteAccessKey"))
              .mapToLong(s -> s.getFinishedAt().toEpochMilli()).findFirst().orElse(-1);
          if (deleted < 0) {
            continue;
          }
          long sighted = t.getSightedAt().toEpochMilli();
          long firstStep = outcome.getSteps().get(0).getStartedAt().toEpochMilli();
          results.add(new long[] {deleted - sighted, t.getDetectedAt().toEpochMilli() - sighted,
              t.getEnrichedAt() == null ? -1 : t.getEnrichedAt().toEpochMilli() - t.getDetectedAt().toEpochMilli(),
              t.getEnrichedAt() == null ? -1 : firstStep - t.getEnrichedAt().toEpochMilli(), deleted - firstStep});
        }
      }
      System.out.printf("latency: %d samples (after %d warm-up), commit.interval.ms=%d, extra %s, %d CPUs%n",
          results.size(), warmUp, commitMs, extra, Runtime.getRuntime().availableProcessors());
      String[] names = {"sighting -> deletion", "  sighting -> detected", "  detected -> enriched",
          "  enriched -> first step", "  first step -> deletion"};
      for (int column = 0; column < names.length; column++) {
        List<Long> values = new ArrayList<>();
        for (long[] r : results) {
          values.add(r[column]);
        }
        values.sort(null);
        System.out.printf("  %-24s p50 %4d ms  p90 %4d ms  p99 %4d ms  max %4d ms%n", names[column],
            pct(values, 50), pct(values, 90), pct(values, 99), values.isEmpty() ? -1 : values.get(values.size() - 1));
      }
    } finally {
      services.forEach(StreamsService::close);
      System.clearProperty("alibabacloud.accessKeyId");
      System.clearProperty("alibabacloud.accessKeySecret");
    }
    System.exit(0);
  }

  static long pct(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return -1;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static KafkaConsumer<String, RemediationOutcome> consumer(KafkaFixture broker, TopicCatalog topics) {
    return broker.committedReader(topics.remediationOutcomes(), Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5"));
  }

}
