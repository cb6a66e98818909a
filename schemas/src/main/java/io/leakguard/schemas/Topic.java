package io.leakguard.schemas;

import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the catalog: its name paired with its key and value serdes, so code never names a topic with a string
 * literal and never picks a serde by hand.
 *
 * @param name       the full topic name, prefix included
 * @param keySerde   the key serde
 * @param valueSerde the value serde
 * @param compacted  whether the topic is log-compacted (latest value per key is what counts)
 * @param retention  how long records are kept when LeakGuard creates the topic, or null for the broker's default
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted,
    Duration retention) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }

  /** A topic with the broker's default retention. */
  public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {
    this(name, keySerde, valueSerde, compacted, null);
  }
}
