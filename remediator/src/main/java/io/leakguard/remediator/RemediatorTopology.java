package io.leakguard.remediator;

import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.serde.AvroSerde;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * Remediates enriched leaks, exactly once in effect, without calling the cloud on the stream thread.
 *
 * <ul>
 *   <li>Input: {@code <prefix>leaks.enriched}, key: AccessKey ID, value: {@link LeakEnriched} (Avro).</li>
 *   <li>Input: {@code <prefix>approvals}, key: incident ID, value: {@link ApprovalDecision}, read as a global table
 *       ({@value #APPROVALS_STORE}) since it is keyed by incident, not by AccessKey ID.</li>
 *   <li>Output: {@code <prefix>remediation.outcomes}, key: AccessKey ID, value: {@link RemediationOutcome}: one per
 *       incident when it ends, plus one when it starts waiting for approval (AWAITING_APPROVAL or CONTAINED).</li>
 *   <li>State: {@value #JOURNAL_STORE}, key: AccessKey ID, value: {@link RemediationJournal}, changelogged.</li>
 *   <li>Dead letters: {@code <prefix>dlq.remediator} (unreadable records, unexpected failures).</li>
 * </ul>
 *
 * <p>Rule: the first leak of a key opens its journal and the {@link RemediationEngine} does the cloud work; later
 * copies of the same incident do nothing, unless it ended FAILED: then a new sighting (or {@code leakguard retry})
 * tries it again at once, and a FAILED incident whose key may still be live is tried again on the
 * {@link RetrySchedule}; cloud failures are outcomes (FAILED with the reason), not exceptions.
 */
public final class RemediatorTopology {

  public static final String JOURNAL_STORE = "remediation-journal";
  public static final String APPROVALS_STORE = "approvals-table";
  public static final String CONTROL_STORE = "control-table";

  private RemediatorTopology() {}

  /**
   * @param approvalTimeout how long an incident waits for a decision before it is escalated
   * @param drainInterval   how often the stream thread applies the workers' reports (wall clock)
   */
  public static Topology build(TopicCatalog topics, RemediationEngine engine, RemediationPolicy policy,
      Duration approvalTimeout, Duration drainInterval) {
    return build(topics, engine, policy, approvalTimeout, drainInterval, RetrySchedule.NONE);
  }

  /** @param retries when FAILED incidents whose key may still be live are tried again */
  public static Topology build(TopicCatalog topics, RemediationEngine engine, RemediationPolicy policy,
      Duration approvalTimeout, Duration drainInterval, RetrySchedule retries) {
    return build(topics, engine, policy, approvalTimeout, drainInterval, retries, io.leakguard.runtime.Metrics.none());
  }

  /** @param metrics the service's meters (outcomes, latencies, what is in flight) */
  public static Topology build(TopicCatalog topics, RemediationEngine engine, RemediationPolicy policy,
      Duration approvalTimeout, Duration drainInterval, RetrySchedule retries, io.leakguard.runtime.Metrics metrics) {
    return build(topics, engine, policy, approvalTimeout, drainInterval, retries, metrics, pause -> { });
  }

  /** @param pauser writes a pause to the control topic, when the blast-radius limit pauses an account */
  public static Topology build(TopicCatalog topics, RemediationEngine engine, RemediationPolicy policy,
      Duration approvalTimeout, Duration drainInterval, RetrySchedule retries, io.leakguard.runtime.Metrics metrics,
      java.util.function.Consumer<io.leakguard.schemas.PauseSwitch> pauser) {
    RemediatorMeters meters = new RemediatorMeters(metrics);
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, LeakEnriched> enriched = topics.leaksEnriched();
    Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
    Topic<String, ApprovalDecision> approvals = topics.approvals();
    builder.globalTable(approvals.name(), Consumed.with(approvals.keySerde(), approvals.valueSerde())
            .withName("approvals-source"),
        Materialized.<String, ApprovalDecision>as(Stores.inMemoryKeyValueStore(APPROVALS_STORE))
            .withKeySerde(approvals.keySerde()).withValueSerde(approvals.valueSerde()));
    Topic<String, io.leakguard.schemas.PauseSwitch> control = topics.control();
    builder.globalTable(control.name(), Consumed.with(control.keySerde(), control.valueSerde())
            .withName("control-source"),
        Materialized.<String, io.leakguard.schemas.PauseSwitch>as(Stores.inMemoryKeyValueStore(CONTROL_STORE))
            .withKeySerde(control.keySerde()).withValueSerde(control.valueSerde()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(JOURNAL_STORE),
        Serdes.String(), io.leakguard.runtime.StoreSerdes.tolerant(AvroSerde.of(RemediationJournal.class),
            JOURNAL_STORE)));
    builder.stream(enriched.name(), Consumed.with(enriched.keySerde(), enriched.valueSerde())
            .withName("leaks-enriched-source"))
        .process(() -> new RemediationProcessor(JOURNAL_STORE, APPROVALS_STORE, CONTROL_STORE, pauser, engine, policy,
            approvalTimeout, drainInterval, retries, meters), Named.as("remediate"), JOURNAL_STORE)
        .to(outcomes.name(), Produced.with(outcomes.keySerde(), outcomes.valueSerde())
            .withName("remediation-outcomes-sink"));
    return builder.build();
  }
}
