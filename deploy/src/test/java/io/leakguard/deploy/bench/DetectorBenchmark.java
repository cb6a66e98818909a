package io.leakguard.deploy.bench;

import io.leakguard.detector.DetectorApp;
import io.leakguard.enricher.EnricherApp;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The detector through Kafka on this machine, printed, never asserted:
 * <ol>
 *   <li>throughput: N log-like raw-content records (one in 20 holds a key pair) are written first; then the detector
 *       starts and the time until its committed offsets reach the end gives records/s and MB/s;</li>
 *   <li>latency: with the detector and the enricher running and the emulator adding no latency, one leak of a fleet
 *       user at a time, from the record's timestamp on the raw-content topic to the enriched record's arrival, paced
 *       at 2 leaks a second (ActionTrail LookupEvents allows 2 calls per second per account).</li>
 * </ol>
 * Run: {@code mvn -q -pl deploy test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.leakguard.deploy.bench.DetectorBenchmark [-Dexec.args="RECORDS SAMPLES"]}.
 */
public final class DetectorBenchmark {

  /** The throughput run has topics of its own, so its thousand leaks never reach the latency run's enricher. */
  private static final TopicCatalog THROUGHPUT = new TopicCatalog("throughput.");
  private static final TopicCatalog TOPICS = new TopicCatalog("leakguard.");

  private DetectorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int samples = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    try (BenchStack stack = new BenchStack()) {
      Map<String, String[]> users = new LinkedHashMap<>();
      for (int i = 0; i < samples; i++) {
        users.put("user" + i, new String[] {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()});
      }
      stack.seed(users);
      throughput(stack, records);
      latency(stack, users);
    }
    System.exit(0);
  }

  private static void throughput(BenchStack stack, int records) throws Exception {
    Topic<String, RawContent> raw = THROUGHPUT.rawContent();
    Random random = new Random(7);
    long bytes = 0;
    // Topics first, so that the records written before the detector starts have somewhere to go.
    io.leakguard.runtime.TopicProvisioner.ensure(Map.of("bootstrap.servers", stack.broker.bootstrapServers()),
        THROUGHPUT.all(List.of("detector", "enricher")), 3, 1);
    try (KafkaProducer<String, RawContent> producer = new KafkaProducer<>(stack.clientProps(),
        raw.keySerde().serializer(), raw.valueSerde().serializer())) {
      for (int i = 0; i < records; i++) {
        StringBuilder log = new StringBuilder(4096);
        while (log.length() < 4000) {
          log.append("2026-11-22T10:").append(random.nextInt(60)).append(" INFO  [worker-").append(random.nextInt(9))
              .append("] request ").append(Long.toHexString(random.nextLong())).append(" served in ")
              .append(random.nextInt(900)).append(" ms\n");
        }
        if (i % 20 == 0) {
          log.append("export ALIBABA_CLOUD_ACCESS_KEY_ID=").append(SyntheticKeys.accessKeyId())
              .append("\nexport ALIBABA_CLOUD_ACCESS_KEY_SECRET=").append(SyntheticKeys.secret()).append('\n');
        }
        bytes += log.length();
        producer.send(new ProducerRecord<>(raw.name(), "log-" + i, new RawContent("bench", "log/" + i,
            log.toString(), null)));
      }
    }
    Instant start = Instant.now();
    // The liveness probe is off here: this measures scanning and Kafka, not STS round trips.
    stack.start(new DetectorApp(), "--detector.liveness.check=false", "--topic.prefix=" + THROUGHPUT.prefix(),
        "--kafka.application.id=throughput-detector");
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> ends = new LinkedHashMap<>();
      for (int p = 0; p < 3; p++) {
        ends.put(new TopicPartition(raw.name(), p), OffsetSpec.latest());
      }
      var endOffsets = admin.listOffsets(ends).all().get();
      while (true) {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("throughput-detector")
            .partitionsToOffsetAndMetadata().get();
        boolean caughtUp = ends.keySet().stream().allMatch(tp -> committed.get(tp) != null
            && committed.get(tp).offset() >= endOffsets.get(tp).offset());
        if (caughtUp) {
          break;
        }
        Thread.sleep(20); // polling another process's committed offsets
      }
    }
    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
    System.out.printf("detector throughput: %d records (%.1f MB, 1 in 20 with a key pair) in %.2f s, including "
            + "start-up: %.0f records/s, %.1f MB/s%n", records, bytes / 1e6, seconds, records / seconds,
        bytes / 1e6 / seconds);
    stack.services.forEach(io.leakguard.runtime.StreamsService::close);
    stack.services.clear();
  }

  private static void latency(BenchStack stack, Map<String, String[]> users) throws Exception {
    stack.start(new DetectorApp(), "--detector.liveness.check=" + System.getProperty("liveness", "true"));
    stack.start(new EnricherApp());
    Topic<String, RawContent> raw = TOPICS.rawContent();
    Topic<String, LeakEnriched> enriched = TOPICS.leaksEnriched();
    Properties consumerProps = stack.clientProps();
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + System.nanoTime());
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<Long> latencies = new ArrayList<>();
    List<Long> toDetected = new ArrayList<>();
    List<Long> toEnriched = new ArrayList<>();
    int partial = 0;
    try (KafkaProducer<String, RawContent> producer = new KafkaProducer<>(stack.clientProps(),
        raw.keySerde().serializer(), raw.valueSerde().serializer());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps,
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(Set.of(enriched.name()));
      while (consumer.assignment().isEmpty()) {
        consumer.poll(Duration.ofMillis(50));
      }
      int warmup = 5;
      int i = 0;
      for (var user : users.entrySet()) {
        long paceUntil = System.currentTimeMillis() + 500;
        String[] key = user.getValue();
        long sent = producer.send(new ProducerRecord<>(raw.name(), user.getKey(), new RawContent("bench",
            user.getKey() + "/.env", "AK=" + key[0] + "\nSK=" + key[1] + "\n", null))).get().timestamp();
        LeakEnriched got = null;
        long arrived = 0;
        while (got == null) {
          for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(5))) {
            if (key[0].equals(r.key())) {
              got = enriched.valueSerde().deserializer().deserialize(r.topic(), r.value());
              arrived = System.currentTimeMillis();
            }
          }
        }
        if (i++ >= warmup) {
          latencies.add(arrived - sent);
          toDetected.add(got.getTimeline().getDetectedAt().toEpochMilli() - sent);
          toEnriched.add(got.getTimeline().getEnrichedAt().toEpochMilli() - got.getTimeline().getDetectedAt().toEpochMilli());
          partial += got.getPartial() ? 1 : 0;
        }
        long rest = paceUntil - System.currentTimeMillis();
        if (rest > 0) {
          Thread.sleep(rest); // pacing at LookupEvents' 2 calls/s, so the limiter does not add its own wait
        }
      }
    }
    latencies.sort(Long::compare);
    toDetected.sort(Long::compare);
    toEnriched.sort(Long::compare);
    System.out.printf("  stages (p50): sighted -> detector picks it up %d ms, detected -> enrichment done %d ms (both "
        + "include the hops' transactions)%n", BenchStack.percentile(toDetected, 50), BenchStack.percentile(toEnriched, 50));
    System.out.printf("sighting -> enriched (detector + enricher, liveness probe and ActionTrail on, emulator without "
            + "latency), %d leaks after %d warm-up: p50 %d ms, p99 %d ms, max %d ms (%d partial)%n", latencies.size(),
        5, BenchStack.percentile(latencies, 50), BenchStack.percentile(latencies, 99),
        latencies.get(latencies.size() - 1), partial);
  }
}
