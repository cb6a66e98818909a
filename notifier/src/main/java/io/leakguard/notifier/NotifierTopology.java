package io.leakguard.notifier;

import io.leakguard.runtime.StoreSerdes;
import io.leakguard.schemas.NotificationJournal;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.serde.AvroSerde;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Tells people what happened, exactly once per (incident, status, recipient).
 *
 * <ul>
 *   <li>Input: {@code <prefix>remediation.outcomes}, key: AccessKey ID, value: {@link RemediationOutcome} (Avro).</li>
 *   <li>Output: {@code <prefix>notification.outcomes}, key: AccessKey ID, value: {@link NotificationOutcome}: one per
 *       incident and status, once every delivery is final (sent, failed for good with the fallback told, or folded
 *       into a storm digest).</li>
 *   <li>State: {@value #JOURNAL_STORE}, key: {@code incidentId|status}, value: {@link NotificationJournal},
 *       changelogged.</li>
 *   <li>Dead letters: {@code <prefix>dlq.notifier}.</li>
 * </ul>
 */
public final class NotifierTopology {

  public static final String JOURNAL_STORE = "notification-journal";

  private NotifierTopology() {}

  /** How deliveries are paced and kept. */
  record Pacing(Duration digestInterval, Duration drainInterval, Duration retention) {
    static final Pacing DEFAULTS = new Pacing(Duration.ofMinutes(1), Duration.ofMillis(50), Duration.ofDays(7));
  }

  static Topology build(TopicCatalog topics, Routing routing, Deliverer deliverer, StormMeter storm,
      Pacing pacing) {
    return build(topics, routing, deliverer, storm, pacing, io.leakguard.runtime.Metrics.none());
  }

  /** @param metrics the service's meters: final deliveries and the neutralized-to-notified latency */
  static Topology build(TopicCatalog topics, Routing routing, Deliverer deliverer, StormMeter storm,
      Pacing pacing, io.leakguard.runtime.Metrics metrics) {
    io.micrometer.core.instrument.Timer latency =
        metrics.stageLatency(io.leakguard.runtime.Metrics.Stage.NEUTRALIZED_NOTIFIED);
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
    Topic<String, NotificationOutcome> notifications = topics.notificationOutcomes();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JOURNAL_STORE),
        Serdes.String(), StoreSerdes.tolerant(AvroSerde.of(NotificationJournal.class), JOURNAL_STORE)));
    builder.stream(outcomes.name(), Consumed.with(outcomes.keySerde(), outcomes.valueSerde())
            .withName("remediation-outcomes-source"))
        .process(() -> new NotificationProcessor(JOURNAL_STORE, routing, deliverer, storm,
            pacing.digestInterval(), pacing.drainInterval(), pacing.retention(), metrics.registry(), latency),
            Named.as("notify"),
            JOURNAL_STORE)
        .to(notifications.name(), Produced.with(notifications.keySerde(), notifications.valueSerde())
            .withName("notification-outcomes-sink"));
    return builder.build();
  }
}
