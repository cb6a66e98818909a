package io.leakguard.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The largest value LeakGuard writes to a topic, checked when the value is serialized. A producer that is handed a
 * record over its {@code max.request.size} fails with {@code RecordTooLargeException}, and under exactly-once that
 * puts the whole transaction into an error state: the service stops, and replays the same record on every restart.
 * Refusing the value in the serializer instead raises a {@link SerializationException}, which Streams hands to the
 * production handler before anything reaches the producer, and the record goes to the dead-letter topic.
 *
 * <p>The limit, {@value #MAX_VALUE_BYTES} bytes, leaves room for the key and the batch overhead under Kafka's
 * default 1 MiB ({@code max.request.size}, {@code message.max.bytes}). LeakGuard's own records are a few KB; only
 * hostile input could come near it.
 */
public final class RecordSize {

  public static final int MAX_VALUE_BYTES = 1_000_000;

  private RecordSize() {}

  /** Throws when a serialized value is over the limit. */
  static byte[] check(String topic, byte[] bytes) {
    if (bytes != null && bytes.length > MAX_VALUE_BYTES) {
      throw new SerializationException("a value of " + bytes.length + " bytes for topic " + topic
          + " is over LeakGuard's limit of " + MAX_VALUE_BYTES + " bytes");
    }
    return bytes;
  }

  /** A serializer that refuses values over the limit. */
  public static <T> Serializer<T> bounded(Serializer<T> serializer) {
    return (topic, value) -> check(topic, serializer.serialize(topic, value));
  }

  /** A serde whose serializer refuses values over the limit. */
  public static <T> Serde<T> bounded(Serde<T> serde) {
    return Serdes.serdeFrom(bounded(serde.serializer()), serde.deserializer());
  }
}
