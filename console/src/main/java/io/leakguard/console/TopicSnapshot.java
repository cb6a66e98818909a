package io.leakguard.console;

import io.leakguard.schemas.Incident;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The console's data read straight from the topics, to their end, without a consumer group (nothing is committed):
 * what {@code leakguard incidents} and {@code leakguard incident} show. The same indexing as {@link ConsoleTopology},
 * in memory, so both show the same data.
 */
public final class TopicSnapshot implements IncidentData {

  private final Map<String, Incident> incidents = new HashMap<>();
  private final TreeMap<String, RemediationOutcome> remediations = new TreeMap<>();
  private final TreeMap<String, NotificationOutcome> notifications = new TreeMap<>();

  private TopicSnapshot() {}

  /** Reads the three topics to their current end; {@link IncidentData.Unavailable} when Kafka does not answer. */
  public static TopicSnapshot read(Map<String, Object> kafka, TopicCatalog topics, Duration timeout) {
    TopicSnapshot snapshot = new TopicSnapshot();
    Instant deadline = Instant.now().plus(timeout);
    snapshot.readAll(kafka, topics.incidents(), deadline, (r, v) -> snapshot.incidents.put(v.getIncidentId(), v));
    snapshot.readAll(kafka, topics.remediationOutcomes(), deadline, (r, v) -> snapshot.remediations.put(
        ConsoleTopology.historyKey(v.getIncidentId(), r.timestamp(), r.partition(), r.offset()), v));
    snapshot.readAll(kafka, topics.notificationOutcomes(), deadline, (r, v) -> snapshot.notifications.put(
        ConsoleTopology.historyKey(v.getIncidentId(), r.timestamp(), r.partition(), r.offset()), v));
    return snapshot;
  }

  private <V> void readAll(Map<String, Object> kafka, Topic<String, V> topic, Instant deadline,
      java.util.function.BiConsumer<ConsumerRecord<String, V>, V> sink) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "leakguard-cli-incidents");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(),
        topic.valueSerde().deserializer())) {
      var partitions = consumer.partitionsFor(topic.name(), remaining(deadline));
      if (partitions == null || partitions.isEmpty()) {
        return;
      }
      List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
          .toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, remaining(deadline));
      while (assigned.stream().anyMatch(tp -> consumer.position(tp, remaining(deadline)) < end.get(tp))) {
        if (Instant.now().isAfter(deadline)) {
          throw new Unavailable("could not read " + topic.name() + " to its end in time", null);
        }
        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.value() != null) {
            sink.accept(record, record.value());
          }
        }
      }
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw new Unavailable("Kafka did not answer: " + e.getMessage(), e);
    }
  }

  private static Duration remaining(Instant deadline) {
    Duration left = Duration.between(Instant.now(), deadline);
    return left.isNegative() ? Duration.ofMillis(1) : left;
  }

  @Override
  public Optional<Incident> incident(String incidentId) {
    return Optional.ofNullable(incidents.get(incidentId));
  }

  @Override
  public List<Incident> incidents() {
    return List.copyOf(incidents.values());
  }

  @Override
  public List<RemediationOutcome> remediations(String incidentId) {
    return history(remediations, incidentId);
  }

  @Override
  public List<NotificationOutcome> notifications(String incidentId) {
    return history(notifications, incidentId);
  }

  private static <V> List<V> history(TreeMap<String, V> map, String incidentId) {
    // Keys are <incidentId>/...: '0' is the character after '/'.
    return new ArrayList<>(map.subMap(incidentId + "/", incidentId + "0").values());
  }
}
