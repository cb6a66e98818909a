package io.leakguard.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.schemas.TopicCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Where the command-line tools ({@code report}, {@code approve}, ...) send their records: {@code --bootstrap-servers}
 * (else {@code KAFKA_BOOTSTRAP_SERVERS}, else the running local stack's {@code .leakguard/local.json}) and
 * {@code --topic-prefix} (else {@code LEAKGUARD_TOPIC_PREFIX}, else {@code leakguard.}).
 *
 * @param bootstrapServers the Kafka bootstrap servers
 * @param topics           the topic catalog with the prefix
 * @param rest             the arguments that were not about the target
 */
record KafkaTarget(String bootstrapServers, TopicCatalog topics, List<String> rest) {

  static KafkaTarget parse(String[] args, Map<String, String> env, Path localJson) {
    String bootstrap = null;
    String prefix = null;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bootstrap-servers" -> bootstrap = value(args, ++i, "--bootstrap-servers");
        case "--topic-prefix" -> prefix = value(args, ++i, "--topic-prefix");
        default -> rest.add(args[i]);
      }
    }
    if (bootstrap == null) {
      bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
    }
    if (bootstrap == null && Files.exists(localJson)) {
      try {
        bootstrap = new ObjectMapper().readTree(localJson.toFile()).path("bootstrapServers").asText(null);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + localJson + ": " + e.getMessage());
      }
    }
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("no Kafka to send to: give --bootstrap-servers HOST:PORT, set "
          + "KAFKA_BOOTSTRAP_SERVERS, or start ./leakguard local");
    }
    if (prefix == null) {
      prefix = env.getOrDefault("LEAKGUARD_TOPIC_PREFIX", TopicCatalog.DEFAULT_PREFIX);
    }
    return new KafkaTarget(bootstrap, new TopicCatalog(prefix), rest);
  }

  /** Sends one record and waits until the broker has it. */
  <V> RecordMetadata send(String topic, Serializer<String> keys, Serializer<V> values, String key, V value)
      throws Exception {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, keys, values)) {
      return producer.send(new ProducerRecord<>(topic, key, value)).get();
    }
  }

  static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
