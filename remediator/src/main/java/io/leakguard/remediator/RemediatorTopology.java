package io.leakguard.remediator;

import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Remediates detected leaks.
 *
 * <ul>
 *   <li>Input: {@code <prefix>leaks.detected}, key: AccessKey ID, value: {@link LeakDetected} (Avro).</li>
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
    Topic<String, LeakDetected> detected = topics.leaksDetected();
    Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
    builder.stream(detected.name(), Consumed.with(detected.keySerde(), detected.valueSerde())
            .withName("leaks-detected-source"))
        .mapValues(remediation::remediate, Named.as("remediate"))
        .to(outcomes.name(), Produced.with(outcomes.keySerde(), outcomes.valueSerde())
            .withName("remediation-outcomes-sink"));
    return builder.build();
  }
}
