package io.leakguard.runtime;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The names of real Kafka client and Streams configs, with the prefixes Streams understands
 * ({@code producer.}, {@code main.consumer.}, {@code topic.}, ...): the only properties a {@code KAFKA_*} environment
 * variable may set. Everything else that starts with {@code KAFKA_} is someone else's: {@code KAFKA_HEAP_OPTS} and
 * {@code KAFKA_OPTS} belong to Kafka's scripts, and Kubernetes adds {@code KAFKA_PORT=tcp://10.0.0.1:9092} and
 * friends for a service named {@code kafka}.
 */
public final class KafkaProperties {

  private static final Set<String> NAMES = names();
  private static final List<String> PREFIXES = List.of(StreamsConfig.PRODUCER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
      StreamsConfig.MAIN_CONSUMER_PREFIX, StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX,
      StreamsConfig.ADMIN_CLIENT_PREFIX, StreamsConfig.TOPIC_PREFIX);

  private KafkaProperties() {}

  /** Whether {@code property} (dotted, lower case) is a Kafka client or Streams config, prefixed or not. */
  public static boolean isKnown(String property) {
    if (NAMES.contains(property)) {
      return true;
    }
    for (String prefix : PREFIXES) {
      if (property.startsWith(prefix) && NAMES.contains(property.substring(prefix.length()))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> names() {
    Set<String> names = new HashSet<>(StreamsConfig.configDef().names());
    names.addAll(ProducerConfig.configNames());
    names.addAll(ConsumerConfig.configNames());
    names.addAll(AdminClientConfig.configNames());
    for (var field : TopicConfig.class.getFields()) {
      if (field.getName().endsWith("_CONFIG")) {
        try {
          names.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Set.copyOf(names);
  }
}
