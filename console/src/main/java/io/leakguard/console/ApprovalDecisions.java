package io.leakguard.console;

import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.Decision;
import io.leakguard.schemas.Topic;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A person's decision on a remediation waiting for approval, as {@code leakguard approve|reject} and the console
 * write it: one {@link ApprovalDecision} keyed by incident ID on the approvals topic, which the remediator reads.
 */
public final class ApprovalDecisions implements AutoCloseable {

  private final Topic<String, ApprovalDecision> topic;
  private final Producer<String, ApprovalDecision> producer;

  ApprovalDecisions(Topic<String, ApprovalDecision> topic, Producer<String, ApprovalDecision> producer) {
    this.topic = topic;
    this.producer = producer;
  }

  /** The decision record, the same from the command line and the console. */
  public static ApprovalDecision of(String incidentId, Decision decision, String decidedBy, String comment,
      Instant at) {
    if (incidentId == null || incidentId.isBlank()) {
      throw new IllegalArgumentException("an approval needs an incident ID");
    }
    if (decidedBy == null || decidedBy.isBlank()) {
      throw new IllegalArgumentException("an approval needs who decided");
    }
    return ApprovalDecision.newBuilder().setIncidentId(incidentId).setDecision(decision).setDecidedBy(decidedBy)
        .setDecidedAt(at).setComment(comment == null || comment.isBlank() ? null : comment).build();
  }

  /** The console's writer of decisions: idempotent, acknowledged by every in-sync replica. */
  static ApprovalDecisions open(Topic<String, ApprovalDecision> topic, Map<String, Object> kafka) {
    Map<String, Object> props = new java.util.HashMap<>(kafka);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "leakguard-console-approvals");
    props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
    return new ApprovalDecisions(topic, new KafkaProducer<>(props, topic.keySerde().serializer(),
        topic.valueSerde().serializer()));
  }

  /** Sends the decision and waits until the broker has it. */
  void send(ApprovalDecision decision) throws ExecutionException, InterruptedException, TimeoutException {
    producer.send(new ProducerRecord<>(topic.name(), decision.getIncidentId(), decision)).get(15, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    producer.close(java.time.Duration.ofSeconds(5));
  }
}
