package io.leakguard.remediator;

import io.leakguard.schemas.PauseSwitch;
import io.leakguard.schemas.Topic;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the remediator's own pauses (the blast-radius limit reached) to the control topic, keyed by scope, with an
 * idempotent producer of its own: a pause is a fact about the cloud, not part of a stream transaction, and writing it
 * twice is harmless. A failed write is logged; the incidents stay held by this instance, and it writes again the next
 * time the limit refuses a step.
 */
final class ControlWriter implements Consumer<PauseSwitch>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlWriter.class);

  private final KafkaProducer<String, PauseSwitch> producer;
  private final Topic<String, PauseSwitch> topic;

  ControlWriter(Map<String, Object> kafka, Topic<String, PauseSwitch> topic) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "leakguard-remediator-control");
    this.producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    this.topic = topic;
  }

  @Override
  public void accept(PauseSwitch pause) {
    producer.send(new ProducerRecord<>(topic.name(), pause.getScope(), pause), (metadata, error) -> {
      if (error != null) {
        LOG.error("cannot write the pause of {} to {}: {}", pause.getScope(), topic.name(), error.getMessage());
      }
    });
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
