package io.leakguard.cli;

import picocli.CommandLine.Option;

/** The options of every command that talks to Kafka; resolved by {@link KafkaTarget}'s shared rule. */
public final class KafkaOptions {

  @Option(names = "--kafka.bootstrap.servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS, else the running local stack's "
          + "local.json in $LEAKGUARD_LOCAL_DIR or .leakguard)")
  String bootstrapServers;

  @Option(names = "--topic.prefix", paramLabel = "PREFIX",
      description = "topic name prefix (default: $LEAKGUARD_TOPIC_PREFIX, else leakguard.)")
  String topicPrefix;

  public KafkaTarget target() {
    return KafkaTarget.locate(bootstrapServers, topicPrefix, System.getenv());
  }

  /** The bootstrap servers by the shared rule, or null when none is configured. */
  public String bootstrapServersOrNull() {
    return KafkaTarget.bootstrapServers(bootstrapServers, System.getenv());
  }
}
