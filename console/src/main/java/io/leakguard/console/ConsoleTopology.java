package io.leakguard.console;

import io.leakguard.runtime.StoreSerdes;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.serde.AvroSerde;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The console's topology: the records an operator looks at, indexed by incident ID in queryable stores. It writes
 * no topic.
 *
 * <ul>
 *   <li>Input {@code <prefix>incidents} (compacted, key AccessKey ID, value {@link Incident}): store
 *       {@value #INCIDENTS}, key incident ID, the incident's latest state. A tombstone carries no incident ID and is
 *       ignored (the pipeline writes none).</li>
 *   <li>Input {@code <prefix>remediation.outcomes} (key AccessKey ID, value {@link RemediationOutcome}): store
 *       {@value #REMEDIATIONS}, key {@code <incidentId>/<timestamp>/<partition>-<offset>}: every outcome of an
 *       incident in the order written, read with a prefix scan.</li>
 *   <li>Input {@code <prefix>notification.outcomes} (key AccessKey ID, value {@link NotificationOutcome}): store
 *       {@value #NOTIFICATIONS}, keyed the same way.</li>
 * </ul>
 *
 * <p>Each write is reported to a {@link Change.Listener} (the live updates). The three topics share their key, so
 * the stores are co-partitioned; one console instance holds every partition (see {@link StoreData}).
 */
public final class ConsoleTopology {

  public static final String INCIDENTS = "console-incidents";
  public static final String REMEDIATIONS = "console-remediations";
  public static final String NOTIFICATIONS = "console-notifications";

  private ConsoleTopology() {}

  public static Topology build(TopicCatalog topics, Change.Listener changes) {
    StreamsBuilder builder = new StreamsBuilder();
    index(builder, topics.incidents(), INCIDENTS, AvroSerde.of(Incident.class), false,
        i -> new Change(Change.Kind.INCIDENT, i.getIncidentId(), i.getStatus().name()), Incident::getIncidentId,
        changes);
    index(builder, topics.remediationOutcomes(), REMEDIATIONS, AvroSerde.of(RemediationOutcome.class), true,
        o -> new Change(Change.Kind.REMEDIATION, o.getIncidentId(), o.getStatus().name()),
        RemediationOutcome::getIncidentId, changes);
    index(builder, topics.notificationOutcomes(), NOTIFICATIONS, AvroSerde.of(NotificationOutcome.class), true,
        n -> new Change(Change.Kind.NOTIFICATION, n.getIncidentId(), n.getRemediationStatus().name()),
        NotificationOutcome::getIncidentId, changes);
    return builder.build();
  }

  /** The key of one record in a history store: ordered by write time within an incident. */
  static String historyKey(String incidentId, long timestamp, int partition, long offset) {
    return String.format("%s/%013d/%d-%012d", incidentId, Math.max(0, timestamp), partition, offset);
  }

  private static <V> void index(StreamsBuilder builder, Topic<String, V> topic, String store,
      org.apache.kafka.common.serialization.Serde<V> serde, boolean history, Function<V, Change> change,
      Function<V, String> incidentId, Change.Listener changes) {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(store), Serdes.String(),
        StoreSerdes.tolerant(serde, store)));
    builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName(store + "-source"))
        .process(() -> new Indexer<>(store, history, incidentId, change, changes), Named.as(store + "-index"), store);
  }

  /** Puts each record into its store under its incident ID, then reports the change. */
  private static final class Indexer<V> implements Processor<String, V, Void, Void> {
    private final String storeName;
    private final boolean history;
    private final Function<V, String> incidentId;
    private final Function<V, Change> change;
    private final Change.Listener changes;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, V> store;

    Indexer(String storeName, boolean history, Function<V, String> incidentId, Function<V, Change> change,
        Change.Listener changes) {
      this.storeName = storeName;
      this.history = history;
      this.incidentId = incidentId;
      this.change = change;
      this.changes = changes;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, V> record) {
      V value = record.value();
      if (value == null) {
        return;
      }
      String id = incidentId.apply(value);
      String key = id;
      if (history) {
        RecordMetadata where = context.recordMetadata().orElseThrow();
        key = historyKey(id, record.timestamp(), where.partition(), where.offset());
      }
      store.put(key, value);
      changes.changed(change.apply(value));
    }
  }
}
