package io.leakguard.deploy;

import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.edge.RawContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Recovery after kill -9, per service, on the local stack (each component its own process), printed, never
 * asserted: each service in turn is killed with SIGKILL and started again with the same state directory, a leak is
 * written at the moment of the restart, and the benchmark prints the time from the restart to that leak's deletion
 * (for the notifier: to its notification), and for reference the same leak's time on the running stack before.
 * Run from the repository root (the stack starts each component with this JVM's class path, so a plain class path,
 * not Maven's launcher):
 * <pre>
 * mvn -q install -DskipTests &amp;&amp; mvn -q -pl deploy dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp deploy/target/test-classes:deploy/target/classes:$(cat deploy/target/cp.txt) io.leakguard.deploy.RecoveryBenchmark
 * </pre>
 */
public final class RecoveryBenchmark {

  private static final List<String> SERVICES = List.of("detector", "enricher", "remediator", "notifier");

  private RecoveryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("leakguard-recovery");
    try (LocalStack stack = LocalStack.start(new LocalStack.Options(dir, false), Map.of())) {
      Map<String, String[]> users = new HashMap<>();
      TestFleet.Account seed = TestFleet.account(stack.fleet().accountId());
      for (int i = 0; i <= SERVICES.size(); i++) {
        String[] key = {SyntheticKeys.accessKeyId(), SyntheticKeys.secret()};
        users.put("r" + i, key);
        seed.user("r" + i, u -> u.key(key[0], key[1]));
      }
      HttpResponse<String> seeded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create(stack.emulatorEndpoint() + "/admin/fleet")).header("Authorization", "Bearer "
              + stack.adminToken()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(seed.toJson())).build(),
          HttpResponse.BodyHandlers.ofString());
      if (seeded.statusCode() / 100 != 2) {
        throw new IllegalStateException("seeding failed: " + seeded.body());
      }
      System.out.printf("recovery after kill -9, local stack, %d CPUs%n", Runtime.getRuntime().availableProcessors());
      try (KafkaProducer<String, RawContent> producer = producer(stack);
          KafkaConsumer<String, RemediationOutcome> outcomes = consumer(stack, "outcomes");
          KafkaConsumer<String, NotificationOutcome> notifications = consumer(stack, "notifications")) {
        outcomes.subscribe(List.of(stack.topics().remediationOutcomes().name()));
        notifications.subscribe(List.of(stack.topics().notificationOutcomes().name()));
        long running = leakAndAwait(stack, producer, outcomes, notifications, users.get("r0"), false, 0);
        System.out.printf("  running stack, written to deleted: %d ms%n", running);
        for (int i = 0; i < SERVICES.size(); i++) {
          String service = SERVICES.get(i);
          long restarted = System.currentTimeMillis();
          stack.killAndRestart(service);
          long millis = leakAndAwait(stack, producer, outcomes, notifications, users.get("r" + (i + 1)),
              service.equals("notifier"), restarted);
          System.out.printf("  %-10s kill -9, restart to the first leak %s: %d ms%n", service,
              service.equals("notifier") ? "notified" : "deleted", millis);
        }
      }
    }
    System.exit(0);
  }

  /** Leaks a key now; returns the time from {@code since} (or the write) to its deletion or notification. */
  private static long leakAndAwait(LocalStack stack, KafkaProducer<String, RawContent> producer,
      KafkaConsumer<String, RemediationOutcome> outcomes, KafkaConsumer<String, NotificationOutcome> notifications,
      String[] key, boolean notification, long since) throws Exception {
    long written = System.currentTimeMillis();
    producer.send(new ProducerRecord<>(stack.topics().rawContent().name(), key[0], new RawContent("bench",
        "recovery/.env", "AK=" + key[0] + "\nSK=" + key[1] + "\n", null))).get();
    long start = since == 0 ? written : since;
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      if (notification) {
        for (var r : notifications.poll(Duration.ofMillis(50))) {
          if (r.key().equals(key[0])) {
            return r.value().getTimeline().getNotifiedAt().toEpochMilli() - start;
          }
        }
      } else {
        for (var r : outcomes.poll(Duration.ofMillis(50))) {
          if (r.key().equals(key[0])) {
            for (RemediationStep step : r.value().getSteps()) {
              if (step.getName().equals("DeleteAccessKey")) {
                return step.getFinishedAt().toEpochMilli() - start;
              }
            }
          }
        }
      }
    }
    return -1;
  }

  private static KafkaProducer<String, RawContent> producer(LocalStack stack) {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.bootstrapServers());
    return new KafkaProducer<>(props, stack.topics().rawContent().keySerde().serializer(),
        stack.topics().rawContent().valueSerde().serializer());
  }

  private static <V extends org.apache.avro.specific.SpecificRecord> KafkaConsumer<String, V> consumer(
      LocalStack stack, String name) {
    Properties props = new Properties();
    props.put("bootstrap.servers", stack.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "recovery-" + name + "-" + System.nanoTime());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    @SuppressWarnings("unchecked")
    var serde = (org.apache.kafka.common.serialization.Serde<V>) (name.equals("outcomes")
        ? stack.topics().remediationOutcomes().valueSerde() : stack.topics().notificationOutcomes().valueSerde());
    return new KafkaConsumer<>(props, new org.apache.kafka.common.serialization.StringDeserializer(),
        serde.deserializer());
  }
}
