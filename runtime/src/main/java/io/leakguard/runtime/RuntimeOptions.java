package io.leakguard.runtime;

import io.leakguard.config.Option;
import io.leakguard.schemas.TopicCatalog;
import java.util.List;

/** The options every service has. Service-specific options are declared by the service. */
public final class RuntimeOptions {

  public static final Option<String> BOOTSTRAP_SERVERS = Option.string("kafka.bootstrap.servers", null,
      "Kafka bootstrap servers, host:port[,host:port]");
  public static final Option<String> TOPIC_PREFIX = Option.string("topic.prefix", TopicCatalog.DEFAULT_PREFIX,
      "prefix of every topic name, so that environments can share a cluster");
  public static final Option<Boolean> TOPICS_CREATE = Option.bool("topics.create", true,
      "create the pipeline's topics at start-up when they are missing");
  public static final Option<Integer> TOPICS_PARTITIONS = Option.integer("topics.partitions", 6, 1, 10_000,
      "partitions of topics created at start-up");
  public static final Option<Integer> TOPICS_REPLICATION = Option.integer("topics.replication", -1, -1, 32,
      "replication factor of topics created at start-up (-1: the broker's default)");
  public static final Option<String> STATE_DIR = Option.string("state.dir",
      System.getProperty("java.io.tmpdir") + "/leakguard-streams", "directory of the Kafka Streams state stores");
  public static final Option<Integer> HEALTH_PORT = Option.integer("health.port", 8080, -1, 65_535,
      "port of the HTTP health endpoint (/health/live, /health/ready); 0 picks a free port, -1 disables it");
  public static final Option<String> HEALTH_BIND = Option.string("health.bind", "0.0.0.0",
      "address the health endpoint listens on");

  public static final Option<String> INSTANCE_ID = Option.string("instance.id", "",
      "this instance's stable name in its consumer group (static membership: a restarted instance takes its tasks "
          + "back at once); empty: the host name and the state directory");

  public static final List<Option<?>> ALL = List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, TOPICS_CREATE, TOPICS_PARTITIONS,
      TOPICS_REPLICATION, STATE_DIR, HEALTH_PORT, HEALTH_BIND, INSTANCE_ID);

  private RuntimeOptions() {}
}
