package io.leakguard.notifier;

import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Tells people what happened.
 *
 * <ul>
 *   <li>Input: {@code <prefix>remediation.outcomes}, key: AccessKey ID, value: {@link RemediationOutcome} (Avro).</li>
 *   <li>Output: {@code <prefix>notification.outcomes}, key: AccessKey ID, value: {@link NotificationOutcome}.</li>
 *   <li>Dead letters: {@code <prefix>dlq.notifier}.</li>
 * </ul>
 *
 * <p>Rule: every outcome goes through every configured channel; the notification outcome lists each delivery,
 * failed ones included, and stamps {@code notifiedAt}.
 */
public final class NotifierTopology {

  private NotifierTopology() {}

  public static Topology build(TopicCatalog topics, Notifier notifier) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
    Topic<String, NotificationOutcome> notifications = topics.notificationOutcomes();
    builder.stream(outcomes.name(), Consumed.with(outcomes.keySerde(), outcomes.valueSerde())
            .withName("remediation-outcomes-source"))
        .mapValues(outcome -> notifier.notify(io.leakguard.runtime.Inputs.required(outcome, "remediation.outcomes")),
            Named.as("notify"))
        .to(notifications.name(), Produced.with(notifications.keySerde(), notifications.valueSerde())
            .withName("notification-outcomes-sink"));
    return builder.build();
  }
}
