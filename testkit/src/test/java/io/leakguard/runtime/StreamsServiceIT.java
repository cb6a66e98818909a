package io.leakguard.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.KafkaFixture;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime on a real broker: exactly-once service start, dead letters for bad input, readiness, carrying on. */
class StreamsServiceIT {

  @TempDir
  static Path dir;
  static KafkaFixture broker;

  /** Copies raw content's location to a string topic; content "boom" makes processing throw. */
  static final class EchoService implements ServiceDefinition {
    @Override public String name() { return "echo"; }
    @Override public String applicationId() { return "leakguard-test-echo"; }
    @Override public List<Option<?>> options() { return List.of(); }
    @Override public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
      StreamsBuilder builder = new StreamsBuilder();
      Topic<String, RawContent> in = topics.rawContent();
      var approvals = topics.approvals();
      builder.globalTable(approvals.name(), Consumed.with(approvals.keySerde(), approvals.valueSerde())
          .withName("approvals-in"), org.apache.kafka.streams.kstream.Materialized.as("approvals-table"));
      builder.stream(in.name(), Consumed.with(in.keySerde(), in.valueSerde()).withName("raw-in"))
          .mapValues(raw -> {
            if (raw.content().equals("boom")) {
              throw new IllegalStateException("cannot handle " + raw.content());
            }
            // "huge" asks for an output record larger than any broker takes: it must be a dead letter, not a crash
            return raw.content().equals("huge") ? "x".repeat(2 * 1024 * 1024) : raw.location();
          }, Named.as("location"))
          .to(topics.prefix() + "echo.out",
              Produced.with(org.apache.kafka.common.serialization.Serdes.String(),
                  io.leakguard.schemas.serde.RecordSize.bounded(org.apache.kafka.common.serialization.Serdes.String()))
                  .withName("echo-out"));
      return builder.build();
    }
  }

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaFixture.start(dir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void shouldWaitForASourceTopicThatARebalanceCannotSeeYet() throws Exception {
    // Given the echo service started while its source topic does not exist (as a rebalance on stale metadata sees it)
    EchoService definition = new EchoService();
    TopicCatalog topics = new TopicCatalog("late.");
    Map<String, Object> admin = Map.of("bootstrap.servers", broker.bootstrapServers());
    TopicProvisioner.ensure(admin, List.of(topics.approvals(), topics.schemas(), new Topic<>("late.echo.out",
        org.apache.kafka.common.serialization.Serdes.String(), org.apache.kafka.common.serialization.Serdes.String(),
        false)), 1, 1);
    Settings settings = ServiceMain.loader(definition).load(Map.of(), List.of(
        "--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--topic.prefix=late.", "--topics.partitions=1",
        "--topics.create=false", "--state.dir=" + dir.resolve("state-late"), "--health.port=0",
        "--health.bind=127.0.0.1"));
    try (StreamsService service = StreamsService.start(definition, settings)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> service.replacedThreads() >= 1);

      // When the topic appears
      TopicProvisioner.ensure(admin, List.of(topics.rawContent()), 1, 1);

      // Then the service runs instead of stopping
      await().atMost(Duration.ofSeconds(90)).until(() -> service.state() == KafkaStreams.State.RUNNING);
      assertEquals(null, service.failure());
    }
  }

  @Test
  void shouldDeadLetterBadRecordsAndKeepProcessing() throws Exception {
    // Given the echo service running with exactly-once on the embedded broker
    EchoService definition = new EchoService();
    Settings settings = ServiceMain.loader(definition).load(Map.of(), List.of(
        "--kafka.bootstrap.servers=" + broker.bootstrapServers(), "--topic.prefix=it.", "--topics.partitions=1",
        "--state.dir=" + dir.resolve("state"), "--health.port=0", "--health.bind=127.0.0.1"));
    TopicCatalog topics = new TopicCatalog("it.");
    TopicProvisioner.ensure(Map.of("bootstrap.servers", broker.bootstrapServers()),
        List.of(new Topic<>("it.echo.out", org.apache.kafka.common.serialization.Serdes.String(),
            org.apache.kafka.common.serialization.Serdes.String(), false)), 1, 1);
    try (StreamsService service = StreamsService.start(definition, settings)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> service.state() == KafkaStreams.State.RUNNING);
      assertEquals(200, health(service.healthPort(), "ready"));
      assertEquals(Long.toString(TopicCatalog.SECRET_BEARING_RETENTION.toMillis()), retentionOf(topics.rawContent().name()),
          "raw content carries leaked secrets: LeakGuard creates it with a short retention");

      // When a malformed record, a record that fails processing and a good record arrive
      try (KafkaProducer<byte[], byte[]> producer = producer()) {
        String in = topics.rawContent().name();
        producer.send(new ProducerRecord<>(in, "k1".getBytes(), "{not json".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(in, "k2".getBytes(), "{\"content\":\"boom\"}".getBytes(StandardCharsets.UTF_8)));
        // a record that is not an ApprovalDecision on the global table's topic, and one whose output is too large
        producer.send(new ProducerRecord<>(topics.approvals().name(), "i1".getBytes(), "garbage".getBytes()));
        producer.send(new ProducerRecord<>(in, "k4".getBytes(), "{\"content\":\"huge\"}".getBytes()));
        producer.send(new ProducerRecord<>(in, "k3".getBytes(),
            "{\"location\":\"ok\",\"content\":\"fine\"}".getBytes(StandardCharsets.UTF_8)));
      }

      // Then the first two are dead letters with their coordinates and the third is processed
      List<DeadLetter> letters = new ArrayList<>();
      List<String> echoed = new ArrayList<>();
      Topic<String, DeadLetter> dlq = topics.deadLetters("echo");
      try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
        consumer.subscribe(List.of(dlq.name(), "it.echo.out"));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(dlq.name())) {
              letters.add(dlq.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } else {
              echoed.add(new String(r.value(), StandardCharsets.UTF_8));
            }
          }
          return letters.size() == 4 && echoed.size() == 1;
        });
      }
      assertEquals(List.of("ok"), echoed);
      DeadLetter malformed = letters.stream().filter(l -> l.getStage() == FailureStage.DESERIALIZATION
          && topics.rawContent().name().equals(l.getSourceTopic())).findFirst().orElseThrow();
      assertEquals(topics.rawContent().name(), malformed.getSourceTopic());
      assertEquals(0L, malformed.getSourceOffset());
      DeadLetter failed = letters.stream().filter(l -> l.getStage() == FailureStage.PROCESSING).findFirst().orElseThrow();
      assertEquals(1L, failed.getSourceOffset());
      assertNotNull(failed.getReason());
      DeadLetter global = letters.stream().filter(l -> topics.approvals().name().equals(l.getSourceTopic()))
          .findFirst().orElseThrow();
      assertEquals(FailureStage.DESERIALIZATION, global.getStage());
      DeadLetter tooLarge = letters.stream().filter(l -> l.getStage() == FailureStage.PRODUCTION).findFirst()
          .orElseThrow();
      assertEquals(2L, tooLarge.getSourceOffset());
      assertTrue(tooLarge.getReason().contains("over LeakGuard's limit"), tooLarge.getReason());
      assertEquals(KafkaStreams.State.RUNNING, service.state());
    }
  }

  private static String retentionOf(String topic) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      var resource = new org.apache.kafka.common.config.ConfigResource(
          org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(resource)).all().get().get(resource).get("retention.ms").value();
    }
  }

  private static int health(int port, String probe) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/" + probe)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    Properties props = new Properties();
    props.put("bootstrap.servers", broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
