package io.leakguard.runtime;

import io.leakguard.schemas.Topic;
import io.leakguard.schemas.serde.WriterSchemas;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer schemas on the compacted {@code schemas} topic, without a schema-registry server: a service publishes
 * the schemas it writes with when it starts, before its first record; a consumer that meets a fingerprint it does not
 * know (a producer upgraded before it) reads the topic to its end once, caches what it found, and decodes the record
 * with its own reader schema by Avro's resolution. A fingerprint still unknown after that is a dead letter as before.
 */
public final class SchemaTopic implements WriterSchemas, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaTopic.class);
  private static final Duration READ_LIMIT = Duration.ofSeconds(10);

  private final Topic<String, String> topic;
  private final Map<String, Object> kafka;
  private final Map<Long, Schema> known = new ConcurrentHashMap<>();
  private KafkaConsumer<String, String> reader;

  public SchemaTopic(Topic<String, String> topic, Map<String, Object> kafka) {
    this.topic = topic;
    this.kafka = Map.copyOf(kafka);
  }

  /** The key of a schema on the topic: its single-object fingerprint, 16 hex digits. */
  public static String key(Schema schema) {
    return HexFormat.of().toHexDigits(SchemaNormalization.parsingFingerprint64(schema));
  }

  /** Writes {@code schemas} to the topic and waits until the broker has them. */
  public void publish(List<Schema> schemas) throws Exception {
    Properties props = new Properties();
    props.putAll(kafka);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
        new StringSerializer())) {
      for (Schema schema : schemas) {
        producer.send(new ProducerRecord<>(topic.name(), key(schema), schema.toString())).get();
        known.put(SchemaNormalization.parsingFingerprint64(schema), schema);
      }
    } catch (java.util.concurrent.ExecutionException | org.apache.kafka.common.KafkaException e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
      throw new IllegalStateException("cannot publish the writer schemas to " + topic.name() + " (create it, "
          + "compacted, where topics.create is off): " + Redactor.describe(cause), cause);
    }
  }

  @Override
  public Schema find(long fingerprint) {
    Schema schema = known.get(fingerprint);
    if (schema == null) {
      readToEnd();
      schema = known.get(fingerprint);
    }
    if (schema == null) {
      LOG.warn("writer schema {} is on no released version and not on {}", HexFormat.of().toHexDigits(fingerprint),
          topic.name());
    }
    return schema;
  }

  /**
   * Reads what was added to the topic since the last read, with one consumer kept for the purpose: a fingerprint no
   * one published (garbage, or an attacker's record) costs one end-offset request, not a new consumer and a scan.
   */
  private synchronized void readToEnd() {
    try {
      if (reader == null) {
        reader = openReader();
      }
      Map<TopicPartition, Long> end = reader.endOffsets(reader.assignment(), READ_LIMIT);
      long deadline = System.nanoTime() + READ_LIMIT.toNanos();
      while (end.entrySet().stream().anyMatch(e -> reader.position(e.getKey()) < e.getValue())
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(100))) {
          remember(record.value());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot read writer schemas from {}: {}", topic.name(), Redactor.describe(e));
    }
  }

  private KafkaConsumer<String, String> openReader() {
    Properties props = new Properties();
    props.putAll(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "leakguard-schemas-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer());
    List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), READ_LIMIT).stream()
        .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private void remember(String json) {
    if (json == null) {
      return;
    }
    try {
      Schema schema = new Schema.Parser().parse(json);
      known.put(SchemaNormalization.parsingFingerprint64(schema), schema);
    } catch (RuntimeException e) {
      LOG.warn("an unreadable schema on {} is skipped ({})", topic.name(), e.getClass().getSimpleName());
    }
  }

  @Override
  public synchronized void close() {
    if (reader != null) {
      reader.close();
      reader = null;
    }
    known.clear();
  }
}
