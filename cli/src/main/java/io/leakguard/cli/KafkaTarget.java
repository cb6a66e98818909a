package io.leakguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.schemas.TopicCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The Kafka a command talks to, found by the one rule every command shares: the {@code --kafka.bootstrap.servers}
 * flag, else {@code KAFKA_BOOTSTRAP_SERVERS}, else the running local stack's {@code local.json} (in
 * {@code LEAKGUARD_LOCAL_DIR}, default {@code .leakguard} in the working directory). The topic prefix is
 * {@code --topic.prefix}, else {@code LEAKGUARD_TOPIC_PREFIX}, else {@code leakguard.}.
 *
 * @param bootstrapServers the Kafka bootstrap servers
 * @param topicPrefix      the topic name prefix
 */
public record KafkaTarget(String bootstrapServers, String topicPrefix) {

  /** Where a running local stack writes its connection details. */
  public static Path localDir(Map<String, String> env) {
    return Path.of(env.getOrDefault("LEAKGUARD_LOCAL_DIR", ".leakguard")).toAbsolutePath();
  }

  /** The bootstrap servers by the shared rule, or null when none is configured anywhere. */
  public static String bootstrapServers(String flag, Map<String, String> env) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    String fromEnv = env.get("KAFKA_BOOTSTRAP_SERVERS");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    Path local = localDir(env).resolve("local.json");
    if (!Files.exists(local)) {
      return null;
    }
    try {
      String servers = new ObjectMapper().readTree(local.toFile()).path("bootstrapServers").asText("");
      return servers.isBlank() ? null : servers;
    } catch (IOException e) {
      throw new Exits.UsageError("cannot read " + local + ": " + e.getMessage());
    }
  }

  /** The target by the shared rule; a usage error when no Kafka is configured anywhere. */
  public static KafkaTarget locate(String bootstrapFlag, String prefixFlag, Map<String, String> env) {
    String servers = bootstrapServers(bootstrapFlag, env);
    if (servers == null) {
      throw new Exits.UsageError("where is Kafka? give --kafka.bootstrap.servers=HOST:PORT, set "
          + "KAFKA_BOOTSTRAP_SERVERS, or start the local stack (leakguard local)");
    }
    String prefix = prefixFlag != null ? prefixFlag
        : env.getOrDefault("LEAKGUARD_TOPIC_PREFIX", TopicCatalog.DEFAULT_PREFIX);
    try {
      new TopicCatalog(prefix);
    } catch (IllegalArgumentException e) {
      throw new Exits.UsageError("--topic.prefix: " + e.getMessage());
    }
    return new KafkaTarget(servers, prefix);
  }

  /** The catalog; its Avro topics read records of newer producers too, through the schemas topic. */
  public TopicCatalog topics() {
    return new TopicCatalog(topicPrefix, writerSchemas());
  }

  /** The writer schemas on this Kafka's schemas topic. */
  public io.leakguard.runtime.SchemaTopic writerSchemas() {
    return new io.leakguard.runtime.SchemaTopic(new TopicCatalog(topicPrefix).schemas(),
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /**
   * Publishes a record's writer schema before the record is sent, so a service older than this command can read it;
   * {@link Exits.Unreachable} when Kafka does not answer.
   */
  void publishWriterSchema(org.apache.avro.Schema schema) throws Exception {
    try {
      writerSchemas().publish(java.util.List.of(schema));
    } catch (IllegalStateException e) {
      if (e.getCause() instanceof TimeoutException timeout) {
        throw unreachable(timeout);
      }
      throw e;
    }
  }

  /** Sends one record and waits until the broker has it; {@link Exits.Unreachable} when Kafka does not answer. */
  public <V> RecordMetadata send(String topic, Serializer<String> keys, Serializer<V> values, String key, V value)
      throws InterruptedException {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, keys, values)) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TimeoutException timeout) {
        throw unreachable(timeout);
      }
      throw new IllegalStateException("Kafka refused the record: " + e.getCause().getMessage(), e.getCause());
    }
  }

  Exits.Unreachable unreachable(Exception e) {
    return new Exits.Unreachable("Kafka at " + bootstrapServers + " did not answer: " + e.getMessage());
  }
}
