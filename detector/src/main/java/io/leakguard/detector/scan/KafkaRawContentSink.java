package io.leakguard.detector.scan;

import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Produces raw content to {@code <prefix>raw-content} with the catalog's serdes, as any outside system would.
 * Idempotent, all replicas acknowledging; requests may be as large as the scan's file cap, but the broker's (or the
 * topic's) {@code max.message.bytes} still applies and refuses larger records with an error.
 */
final class KafkaRawContentSink implements RawContentSink {

  private final Topic<String, RawContent> topic;
  private final KafkaProducer<String, RawContent> producer;

  KafkaRawContentSink(String bootstrapServers, String topicPrefix) {
    this.topic = new TopicCatalog(topicPrefix).rawContent();
    Properties config = new Properties();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "leakguard-scan");
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(ScanCommand.MAX_FILE_BYTES + (1 << 20)));
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // A command line must not hang on an unreachable broker: fail within seconds, with the reason.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    requireTopic(bootstrapServers, topic.name());
    this.producer = new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /**
   * Fails fast, with the reason, when the broker is unreachable or the topic is missing (the pipeline's services
   * create it at start-up): otherwise every file would wait for metadata until its delivery timeout.
   */
  private static void requireTopic(String bootstrapServers, String name) {
    Properties config = new Properties();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    try (Admin admin = Admin.create(config)) {
      admin.describeTopics(List.of(name)).allTopicNames().get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException("topic " + name + " does not exist (the pipeline's services create it when"
            + " they start, e.g. leakguard local)");
      }
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer from the broker within 15 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void send(String key, RawContent content) throws Exception {
    producer.send(new ProducerRecord<>(topic.name(), key, content)).get();
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(10));
  }
}
