package io.leakguard.console;

import io.leakguard.runtime.StreamsBound;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The console's stores through interactive queries. Only this instance's tasks are queried: the console is meant to
 * run as one instance, which then holds every partition (a second instance would see only its share; serving
 * another instance's partitions over RPC is not done).
 */
final class StoreData implements IncidentData, StreamsBound {

  private volatile KafkaStreams streams;

  @Override
  public void bind(KafkaStreams streams) {
    this.streams = streams;
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    KafkaStreams running = streams;
    if (running == null || running.state() != KafkaStreams.State.RUNNING) {
      throw new Unavailable("the console is starting (Kafka Streams is "
          + (running == null ? "not created" : running.state()) + ")", null);
    }
    try {
      return running.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore()));
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the console's stores are not queryable now: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Incident> incident(String incidentId) {
    try {
      return Optional.ofNullable(this.<Incident>store(ConsoleTopology.INCIDENTS).get(incidentId));
    } catch (InvalidStateStoreException e) {
      throw new Unavailable(e.getMessage(), e);
    }
  }

  @Override
  public List<Incident> incidents() {
    List<Incident> all = new ArrayList<>();
    try (KeyValueIterator<String, Incident> it = this.<Incident>store(ConsoleTopology.INCIDENTS).all()) {
      it.forEachRemaining(kv -> all.add(kv.value));
    } catch (InvalidStateStoreException e) {
      throw new Unavailable(e.getMessage(), e);
    }
    return all;
  }

  @Override
  public List<RemediationOutcome> remediations(String incidentId) {
    return history(ConsoleTopology.REMEDIATIONS, incidentId);
  }

  @Override
  public List<NotificationOutcome> notifications(String incidentId) {
    return history(ConsoleTopology.NOTIFICATIONS, incidentId);
  }

  private <V> List<V> history(String storeName, String incidentId) {
    List<KeyValue<String, V>> found = new ArrayList<>();
    try (KeyValueIterator<String, V> it = this.<V>store(storeName).prefixScan(incidentId + "/",
        new StringSerializer())) {
      it.forEachRemaining(found::add);
    } catch (InvalidStateStoreException e) {
      throw new Unavailable(e.getMessage(), e);
    }
    // Several tasks' stores are scanned one after the other: order by key (time, then partition and offset).
    found.sort(java.util.Comparator.comparing(kv -> kv.key));
    return found.stream().map(kv -> kv.value).toList();
  }

  @Override
  public void close() {
    streams = null;
  }
}
