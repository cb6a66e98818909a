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
  public static final Option<String> STATE_DIR = Option.string("state.dir", defaultStateDir(),
      "directory of the Kafka Streams state stores; durable, so a restart reuses them instead of replaying the "
          + "changelogs (the images set /var/lib/leakguard)");
  public static final Option<Integer> HEALTH_PORT = Option.integer("health.port", 8080, -1, 65_535,
      "port of the HTTP health endpoint (/health/live, /health/ready); 0 picks a free port, -1 disables it");
  public static final Option<String> HEALTH_BIND = Option.string("health.bind", "0.0.0.0",
      "address the health endpoint listens on");

  public static final Option<Boolean> METRICS_ENABLED = Option.bool("metrics.enabled", true,
      "collect metrics and serve them in the Prometheus text format on the health port's /metrics");

  public static final Option<String> INSTANCE_ID = Option.string("instance.id", "",
      "this instance's stable name in its consumer group (static membership: a restarted instance takes its tasks "
          + "back at once); empty: the host name and the state directory");

  public static final List<Option<?>> ALL = List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, TOPICS_CREATE, TOPICS_PARTITIONS,
      TOPICS_REPLICATION, STATE_DIR, HEALTH_PORT, HEALTH_BIND, INSTANCE_ID,
      METRICS_ENABLED);

  private RuntimeOptions() {}

  /**
   * {@code $XDG_STATE_HOME/leakguard}, else {@code ~/.local/state/leakguard}: a user's durable state, not the temp
   * directory, which the OS may clear (then every store is rebuilt from its changelog, and a remediator's journal
   * is unreadable until it is).
   */
  static String defaultStateDir() {
    String xdg = System.getenv("XDG_STATE_HOME");
    java.nio.file.Path base = xdg != null && !xdg.isBlank() ? java.nio.file.Path.of(xdg)
        : java.nio.file.Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("leakguard").toString();
  }
}
