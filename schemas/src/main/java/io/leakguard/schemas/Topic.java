package io.leakguard.schemas;

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
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, boolean compacted) {

  public Topic {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }
}
