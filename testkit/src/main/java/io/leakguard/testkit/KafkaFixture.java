package io.leakguard.testkit;

import io.leakguard.broker.EmbeddedKafkaBroker;
import io.leakguard.schemas.Topic;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The one place that chooses the integration tests' Kafka broker: Testcontainers' {@code apache/kafka} image where a
 * Docker engine is reachable, otherwise the embedded single-node KRaft broker (this project's CI machines have no
 * Docker engine). {@code LEAKGUARD_TEST_KAFKA=embedded|container} forces a choice.
 */
public final class KafkaFixture implements AutoCloseable {

  /** Kafka's own image; its single-node defaults match the embedded broker's tuning. */
  static final String IMAGE = System.getenv().getOrDefault("LEAKGUARD_TEST_KAFKA_IMAGE", "apache/kafka:4.1.1");

  private final EmbeddedKafkaBroker embedded;
  private final KafkaContainer container;

  private KafkaFixture(EmbeddedKafkaBroker embedded, KafkaContainer container) {
    this.embedded = embedded;
    this.container = container;
  }

  public static KafkaFixture start(Path dataDir) throws Exception {
    String choice = System.getenv().getOrDefault("LEAKGUARD_TEST_KAFKA", "auto").toLowerCase(Locale.ROOT);
    boolean useContainer = choice.equals("container") || (choice.equals("auto") && dockerAvailable());
    if (useContainer) {
      KafkaContainer container = new KafkaContainer(DockerImageName.parse(IMAGE));
      container.start();
      return new KafkaFixture(null, container);
    }
    return new KafkaFixture(EmbeddedKafkaBroker.start(dataDir), null);
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  public String bootstrapServers() {
    return container != null ? container.getBootstrapServers() : embedded.bootstrapServers();
  }

  /**
   * A consumer of a catalog topic as a downstream service sees it: read_committed, from the beginning, in a group of
   * its own, already subscribed. {@code overrides} adds or replaces consumer properties.
   */
  public <V> KafkaConsumer<String, V> committedReader(Topic<String, V> topic, Map<String, Object> overrides) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putAll(overrides);
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer());
    consumer.subscribe(List.of(topic.name()));
    return consumer;
  }

  public <V> KafkaConsumer<String, V> committedReader(Topic<String, V> topic) {
    return committedReader(topic, Map.of());
  }

  /** Which broker runs, for the test log. */
  public String kind() {
    return container != null ? "testcontainers " + IMAGE : "embedded KRaft broker";
  }

  @Override
  public void close() {
    if (container != null) {
      container.stop();
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
