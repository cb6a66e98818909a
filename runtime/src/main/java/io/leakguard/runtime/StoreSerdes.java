package io.leakguard.runtime;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serdes of state stores. A store is restored from its changelog topic, which anyone with write access to the topic
 * can append to; an entry that cannot be read would otherwise fail the task every time it starts (its processor reads
 * the store in {@code init}), a crash loop from one record. A store value that cannot be read is logged and read as
 * absent instead: the processors treat a missing entry as new, and the next write replaces it.
 */
public final class StoreSerdes {

  private static final Logger LOG = LoggerFactory.getLogger(StoreSerdes.class);

  private StoreSerdes() {}

  /** {@code serde} whose deserializer reads an unreadable value as null, with a warning naming the store. */
  public static <T> Serde<T> tolerant(Serde<T> serde, String store) {
    Deserializer<T> strict = serde.deserializer();
    Deserializer<T> tolerant = (topic, bytes) -> {
      try {
        return strict.deserialize(topic, bytes);
      } catch (SerializationException e) {
        LOG.warn("store {}: an entry that cannot be read ({} bytes) is treated as absent: {}", store,
            bytes == null ? 0 : bytes.length, Redactor.describe(e));
        return null;
      }
    };
    return Serdes.serdeFrom(serde.serializer(), tolerant);
  }
}
