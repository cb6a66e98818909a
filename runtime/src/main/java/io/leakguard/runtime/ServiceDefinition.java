package io.leakguard.runtime;

import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.util.List;
import org.apache.kafka.streams.Topology;

/** What a service tells the runtime about itself: its identity, its own options and how to build its topology. */
public interface ServiceDefinition {

  /** Short name used in logs and in the dead-letter topic's name, e.g. {@code detector}. */
  String name();

  /** The stable Kafka Streams {@code application.id}; never derived from a class name. */
  String applicationId();

  /** The service's own options, on top of {@link RuntimeOptions#ALL}. */
  List<Option<?>> options();

  /**
   * Builds the topology and any clients it needs. Clients that must be closed are handed to {@code resources}.
   * Called once per start.
   */
  Topology topology(Settings settings, TopicCatalog topics, Resources resources) throws Exception;
}
