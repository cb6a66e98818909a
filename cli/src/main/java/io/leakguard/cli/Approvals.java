package io.leakguard.cli;

import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.Topic;

/**
 * Writes a person's decision on a remediation waiting for approval to the approvals topic, keyed by incident ID; the
 * remediator picks it up.
 */
final class Approvals {

  private Approvals() {}

  static void send(KafkaTarget target, ApprovalDecision decision) throws Exception {
    Topic<String, ApprovalDecision> topic = target.topics().approvals();
    // The decision's writer schema goes out first, so a remediator older than this command can read it.
    target.publishWriterSchema(ApprovalDecision.getClassSchema());
    target.send(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer(),
        decision.getIncidentId(), decision);
  }
}
