package io.leakguard.runtime;

import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running service: its Kafka Streams instance with exactly-once processing, the three error handlers wired to
 * its dead-letter topic, its topics provisioned and its health endpoint. An uncaught exception stops it and is
 * reported by {@link #failure()}; it is never swallowed.
 */
public final class StreamsService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsService.class);
  private final java.util.concurrent.atomic.AtomicInteger replaced = new java.util.concurrent.atomic.AtomicInteger();
  static final int DEFAULT_COMMIT_INTERVAL_MS = 25;
  /** How many times a stream thread is replaced when a rebalance cannot see the (provisioned) source topics. */
  static final int MISSING_TOPIC_RETRIES = 12;
  static final int DEFAULT_POLL_MS = 10;
  static final int DEFAULT_SESSION_TIMEOUT_MS = 20_000;

  private final ServiceDefinition definition;
  private final KafkaStreams streams;
  private final Resources resources;
  private final HealthServer health;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  private StreamsService(ServiceDefinition definition, KafkaStreams streams, Resources resources, HealthServer health) {
    this.definition = definition;
    this.streams = streams;
    this.resources = resources;
    this.health = health;
  }

  /** Provisions topics, builds the topology and starts processing. Returns once Streams is starting. */
  public static StreamsService start(ServiceDefinition definition, Settings settings) throws Exception {
    TopicCatalog topics = new TopicCatalog(settings.get(RuntimeOptions.TOPIC_PREFIX));
    Properties props = streamsProperties(definition, settings, topics);
    if (settings.get(RuntimeOptions.TOPICS_CREATE)) {
      Map<String, Object> admin = new HashMap<>(settings.kafka());
      TopicProvisioner.ensure(admin, topics.all(List.of(definition.name())),
          settings.get(RuntimeOptions.TOPICS_PARTITIONS), settings.get(RuntimeOptions.TOPICS_REPLICATION));
    }
    Metrics metrics = settings.get(RuntimeOptions.METRICS_ENABLED) ? Metrics.prometheus() : Metrics.none();
    Resources resources = new Resources(metrics);
    try {
      // The writer schemas: ours go out before the first record does; unknown ones (a newer producer's) come in.
      SchemaTopic writers = resources.register(new SchemaTopic(topics.schemas(), settings.kafka()));
      writers.publish(topics.avroSchemas());
      topics = new TopicCatalog(topics.prefix(), writers);
      Topology topology = definition.topology(settings, topics, resources);
      LOG.info("{} topology:\n{}", definition.name(), topology.describe());
      props.put(DeadLetters.GLOBAL_TOPICS_CONFIG, DeadLetters.globalTopicsOf(topology));
      // An object, not a string: Streams hands its configuration's originals to the handlers' configure().
      props.put(DeadLetters.METRICS_CONFIG, metrics);
      KafkaStreams streams = new KafkaStreams(topology, props);
      for (StreamsBound bound : resources.all(StreamsBound.class)) {
        bound.bind(streams);
      }
      if (settings.get(RuntimeOptions.METRICS_ENABLED)) {
        // Lag, commit latency, rebalances, thread states and the clients' metrics, as kafka_* meters.
        resources.register(new io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics(streams))
            .bindTo(metrics.registry());
      }
      int port = settings.get(RuntimeOptions.HEALTH_PORT);
      HealthServer health = null;
      java.util.function.BooleanSupplier brokerReachable = () -> true;
      if (port >= 0) {
        BrokerWatch broker = resources.register(new BrokerWatch(settings.kafka(), definition.applicationId()
            + "-health"));
        brokerReachable = broker::reachable;
        health = new HealthServer(settings.get(RuntimeOptions.HEALTH_BIND), port, streams::state, broker::reachable,
            metrics::scrape);
      }
      java.util.function.BooleanSupplier reachable = brokerReachable;
      io.micrometer.core.instrument.Gauge.builder("leakguard.service.ready",
              () -> HealthServer.ready(streams.state(), reachable.getAsBoolean()) ? 1 : 0)
          .description("1 while the service is ready (what /health/ready reports), else 0")
          .register(metrics.registry());
      StreamsService service = new StreamsService(definition, streams, resources, health);
      service.wire();
      streams.start();
      LOG.info("{} started (application.id={}, health port {})", definition.name(),
          props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), health == null ? "disabled" : health.port());
      return service;
    } catch (Exception | Error e) {
      resources.close();
      throw e;
    }
  }

  /** The Streams properties of a service: exactly-once, the error handlers, explicit naming, then Kafka overrides. */
  public static Properties streamsProperties(ServiceDefinition definition, Settings settings, TopicCatalog topics) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, definition.applicationId());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Under exactly-once a record becomes visible downstream only when its transaction commits, so every hop waits
    // up to one commit interval. Streams' default of 100 ms per hop would cost a leak a few hundred milliseconds
    // before anything acts on it. Leaks are rare events: committing every 25 ms costs each stream thread at most
    // 40 small transactions a second, which a broker does not notice. Override with kafka.commit.interval.ms.
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
    // An idle stream thread blocks in poll for poll.ms (100 ms by default); a read_committed consumer waiting for the
    // upstream transaction's marker was measured to lose most of that per hop (p50 sighting-to-enriched 153 ms at
    // 100 ms, 99 ms at 10 ms, DetectorBenchmark). Waking every 10 ms costs an idle thread nothing measurable.
    props.put(StreamsConfig.POLL_MS_CONFIG, DEFAULT_POLL_MS);
    props.put(StreamsConfig.STATE_DIR_CONFIG, settings.get(RuntimeOptions.STATE_DIR));
    // Static membership. Without it, an instance restarted after kill -9 joins as a new member and the group waits
    // for the dead member's session to expire (45 s by default) before anyone processes its partitions again
    // (measured: 41-46 s). With a stable group.instance.id the coordinator hands the returning instance its own
    // assignment at once. The price: an instance that is gone for good keeps its partitions until its session
    // times out, so the session is shortened to 20 s (the heartbeat stays at Streams' 3 s, well inside it).
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId(definition, settings));
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnDeserialization.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnProcessing.class);
    // The enricher's and the remediator's global tables: an error on the GlobalThread goes to the DLQ like any other
    // (Kafka leaves it off until 5.0 and kills the global thread instead).
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetters.OnProduction.class);
    props.put(DeadLetters.SERVICE_CONFIG, definition.name());
    props.put(DeadLetters.TOPIC_CONFIG, topics.deadLetters(definition.name()).name());
    props.putAll(settings.kafka());
    return props;
  }

  /**
   * The instance's stable name: the {@code instance.id} option, else the application, the host name and a digest of
   * the state directory, which together are stable across restarts of one instance and differ between instances.
   */
  static String instanceId(ServiceDefinition definition, Settings settings) {
    String configured = settings.get(RuntimeOptions.INSTANCE_ID);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown-host";
    }
    String stateDir = java.nio.file.Path.of(settings.get(RuntimeOptions.STATE_DIR)).toAbsolutePath().normalize()
        .toString();
    return definition.applicationId() + "-" + host + "-" + io.leakguard.schemas.KeyForms.fingerprint(stateDir)
        .substring(0, 12);
  }

  private static boolean missingSourceTopics(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof org.apache.kafka.streams.errors.MissingSourceTopicException) {
        return true;
      }
    }
    return false;
  }

  private void wire() {
    streams.setGlobalStateRestoreListener(new RestoreLog());
    streams.setUncaughtExceptionHandler(error -> {
      if (missingSourceTopics(error) && replaced.incrementAndGet() <= MISSING_TOPIC_RETRIES) {
        // The topics were created before start; a rebalance that cannot see them yet read stale metadata (seen on a
        // loaded machine right after creation). A new stream thread rejoins with fresh metadata.
        LOG.warn("{}: a rebalance did not see its source topics yet; replacing the stream thread ({} of {})",
            definition.name(), replaced.get(), MISSING_TOPIC_RETRIES);
        try {
          // On the dying thread: paces the replacements so that metadata can catch up (1 s, 2 s, ... 5 s).
          Thread.sleep(Math.min(5, replaced.get()) * 1000L);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      }
      LOG.error("{} stops on an uncaught exception: {}", definition.name(), Redactor.describe(error));
      failure.compareAndSet(null, error);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      LOG.info("{} state {} -> {}", definition.name(), before, now);
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
        stopped.countDown();
      }
    });
  }

  public String name() {
    return definition.name();
  }

  /** How many stream threads were replaced because a rebalance could not see the source topics yet. */
  public int replacedThreads() {
    return replaced.get();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The exception that stopped the service, or null. */
  public Throwable failure() {
    return failure.get();
  }

  /** The port the health endpoint listens on, or -1. */
  public int healthPort() {
    return health == null ? -1 : health.port();
  }

  /** What the service's topology opened of a type ({@link Resources#all}), e.g. the bridge's webhook receiver. */
  public <T> List<T> resources(Class<T> type) {
    return resources.all(type);
  }

  /** Waits until the service has stopped on its own (error) or was closed. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    if (health != null) {
      health.close();
    }
    resources.close();
    stopped.countDown();
  }
}
