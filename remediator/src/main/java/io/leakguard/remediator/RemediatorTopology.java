package io.leakguard.remediator;

import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Remediates enriched leaks.
 *
 * <ul>
 *   <li>Input: {@code <prefix>leaks.enriched}, key: AccessKey ID, value: {@link LeakEnriched} (Avro).</li>
 *   <li>Output: {@code <prefix>remediation.outcomes}, key: AccessKey ID, value: {@link RemediationOutcome}.</li>
 *   <li>Dead letters: {@code <prefix>dlq.remediator} (unreadable records, unexpected failures).</li>
 * </ul>
 *
 * <p>Rule: each leak gets exactly one outcome from the {@link Remediation}; cloud failures are outcomes (FAILED with
 * the reason), not exceptions.
 */
public final class RemediatorTopology {

  private RemediatorTopology() {}

  public static Topology build(TopicCatalog topics, Remediation remediation) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, LeakEnriched> enriched = topics.leaksEnriched();
    Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
    builder.stream(enriched.name(), Consumed.with(enriched.keySerde(), enriched.valueSerde())
            .withName("leaks-enriched-source"))
        .mapValues(remediation::remediate, Named.as("remediate"))
        .to(outcomes.name(), Produced.with(outcomes.keySerde(), outcomes.valueSerde())
            .withName("remediation-outcomes-sink"));
    return builder.build();
  }
}
