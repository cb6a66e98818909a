package io.leakguard.enricher;

import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Enriches detected leaks with their owner, activity and severity.
 *
 * <ul>
 *   <li>Input: {@code <prefix>leaks.detected}, key: AccessKey ID, value: {@link LeakDetected} (Avro).</li>
 *   <li>Global table: {@code <prefix>inventory} (compacted), key: AccessKey ID, value: {@link InventoryEntry}; store
 *       {@code inventory-store}.</li>
 *   <li>Output: {@code <prefix>leaks.enriched}, key: AccessKey ID, value: {@link LeakEnriched}.</li>
 *   <li>State: {@code pending-enrichments} (AccessKey ID to {@link LeakDetected}, changelogged): leaks being
 *       enriched, so a restart resumes them.</li>
 *   <li>Dead letters: {@code <prefix>dlq.enricher}.</li>
 * </ul>
 *
 * <p>Rule: each leak gets exactly one enriched record; the inventory's entry, when it has one, names the owner without
 * a cloud call, otherwise the enrichment looks the key up. All cloud work runs off the stream thread
 * ({@link EnrichProcessor}).
 */
public final class EnricherTopology {

  static final String INVENTORY_STORE = "inventory-store";

  private EnricherTopology() {}

  public static Topology build(TopicCatalog topics, Enrichment enrichment) {
    return build(topics, enrichment, io.leakguard.runtime.Metrics.none());
  }

  /** @param metrics the service's meters: the detected-to-enriched latency */
  public static Topology build(TopicCatalog topics, Enrichment enrichment, io.leakguard.runtime.Metrics metrics) {
    io.micrometer.core.instrument.Timer latency =
        metrics.stageLatency(io.leakguard.runtime.Metrics.Stage.DETECTED_ENRICHED);
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, LeakDetected> detected = topics.leaksDetected();
    Topic<String, InventoryEntry> inventory = topics.inventory();
    Topic<String, LeakEnriched> enriched = topics.leaksEnriched();
    builder.globalTable(inventory.name(),
        Consumed.with(inventory.keySerde(), inventory.valueSerde()).withName("inventory-source"),
        Materialized.<String, InventoryEntry, KeyValueStore<Bytes, byte[]>>as(INVENTORY_STORE)
            .withKeySerde(inventory.keySerde()).withValueSerde(inventory.valueSerde()));
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EnrichProcessor.STORE),
        detected.keySerde(), io.leakguard.runtime.StoreSerdes.tolerant(detected.valueSerde(), EnrichProcessor.STORE)));
    builder.stream(detected.name(), Consumed.with(detected.keySerde(), detected.valueSerde())
            .withName("leaks-detected-source"))
        .process(() -> new EnrichProcessor(enrichment, INVENTORY_STORE, latency), Named.as("enrich"), EnrichProcessor.STORE)
        .to(enriched.name(), Produced.with(enriched.keySerde(), enriched.valueSerde()).withName("leaks-enriched-sink"));
    return builder.build();
  }
}
