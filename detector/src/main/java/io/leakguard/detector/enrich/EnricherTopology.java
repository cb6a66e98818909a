package io.leakguard.detector.enrich;

import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Enriches detected leaks with their owner, activity and severity.
 *
 * <ul>
 *   <li>Input: {@code <prefix>leaks.detected}, key: AccessKey ID, value: {@link LeakDetected} (Avro).</li>
 *   <li>Global table: {@code <prefix>inventory} (compacted), key: AccessKey ID, value: {@link InventoryEntry}; store
 *       {@code inventory-store}.</li>
 *   <li>Output: {@code <prefix>leaks.enriched}, key: AccessKey ID, value: {@link LeakEnriched}.</li>
 *   <li>Dead letters: {@code <prefix>dlq.enricher}.</li>
 * </ul>
 *
 * <p>Rule: each leak gets exactly one enriched record; the inventory's entry, when it has one, names the owner without
 * a cloud call, otherwise the enrichment looks the key up.
 */
public final class EnricherTopology {

  private EnricherTopology() {}

  public static Topology build(TopicCatalog topics, Enrichment enrichment) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, LeakDetected> detected = topics.leaksDetected();
    Topic<String, InventoryEntry> inventory = topics.inventory();
    Topic<String, LeakEnriched> enriched = topics.leaksEnriched();
    GlobalKTable<String, InventoryEntry> keys = builder.globalTable(inventory.name(),
        Consumed.with(inventory.keySerde(), inventory.valueSerde()).withName("inventory-source"),
        Materialized.<String, InventoryEntry, KeyValueStore<Bytes, byte[]>>as("inventory-store")
            .withKeySerde(inventory.keySerde()).withValueSerde(inventory.valueSerde()));
    builder.stream(detected.name(), Consumed.with(detected.keySerde(), detected.valueSerde())
            .withName("leaks-detected-source"))
        .leftJoin(keys, (accessKeyId, leak) -> accessKeyId, enrichment::enrich, Named.as("enrich"))
        .to(enriched.name(), Produced.with(enriched.keySerde(), enriched.valueSerde()).withName("leaks-enriched-sink"));
    return builder.build();
  }
}
