package io.leakguard.runtime;

import org.apache.kafka.streams.KafkaStreams;

/**
 * A resource of a topology that needs the service's running {@link KafkaStreams} instance, e.g. to answer interactive
 * queries on its state stores (the console). {@link StreamsService} hands it over once the instance exists, before it
 * starts; the resource must not close or start it.
 */
public interface StreamsBound extends AutoCloseable {

  void bind(KafkaStreams streams);
}
