package io.leakguard.testkit;

import io.leakguard.runtime.DeadLetters;
import io.leakguard.runtime.RuntimeOptions;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StreamsService;
import io.leakguard.schemas.TopicCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Builds TopologyTestDriver instances configured like production (the dead-letter handlers, explicit naming), so a
 * topology test exercises the same error paths a running service has.
 *
 * <p>One difference, on purpose: the driver runs at-least-once. With exactly-once, TopologyTestDriver 4.3 drops the
 * dead-letter records that the deserialization handler returns (they are sent outside the driver's captured
 * transaction), so dead-letter assertions would be impossible. Exactly-once dead letters are proven on a real broker
 * by {@code StreamsServiceIT}.
 */
public final class TestDrivers {

  private TestDrivers() {}

  /** A driver for a service's topology, with a fixed start time, using its default options plus {@code flags}. */
  public static TopologyTestDriver driver(ServiceDefinition definition, Topology topology, Instant start,
      String... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("--kafka.bootstrap.servers=test-driver:9092",
        "--kafka.processing.guarantee=at_least_once"));
    args.addAll(List.of(flags));
    var settings = ServiceMain.loader(definition).load(Map.of(), args);
    Properties props = StreamsService.streamsProperties(definition, settings,
        new TopicCatalog(settings.get(RuntimeOptions.TOPIC_PREFIX)));
    props.put(DeadLetters.GLOBAL_TOPICS_CONFIG, DeadLetters.globalTopicsOf(topology));
    return new TopologyTestDriver(topology, props, start);
  }
}
