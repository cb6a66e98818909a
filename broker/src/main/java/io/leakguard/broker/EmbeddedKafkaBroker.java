package io.leakguard.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), started in-process from
 * Kafka's own server classes. Used by the local stack and the integration tests when no {@code bootstrap.servers} is
 * configured; this machine has no Docker engine for Testcontainers.
 *
 * <ul>
 *   <li>Every listener (clients and controller) binds 127.0.0.1 only.</li>
 *   <li>The first start formats the data directory (which must be empty or absent) and records the cluster ID and
 *       both ports in {@value #IDENTITY_FILE}; a later start on that directory keeps its data, cluster ID and ports,
 *       so a broker can be stopped (or killed) and started again and its clients find it where it was.</li>
 *   <li>Tuned for one node: replication factor 1 everywhere (offsets, transaction state, Streams' internal topics) and
 *       {@code group.initial.rebalance.delay.ms=0}, which otherwise delays every new consumer group by 3 s.</li>
 * </ul>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  static final String IDENTITY_FILE = "leakguard-broker.json";
  private static final String HOST = "127.0.0.1";

  /** Single-node settings; every one of them would be wrong on a production cluster. */
  static final Map<String, String> SINGLE_NODE = Map.of(
      "offsets.topic.replication.factor", "1",
      "offsets.topic.num.partitions", "4",
      "transaction.state.log.replication.factor", "1",
      "transaction.state.log.min.isr", "1",
      "transaction.state.log.num.partitions", "4",
      "default.replication.factor", "1",
      "min.insync.replicas", "1",
      "group.initial.rebalance.delay.ms", "0",
      "auto.create.topics.enable", "false");

  /** What a data directory remembers of its broker. */
  private record Identity(String clusterId, int port, int controllerPort) {}

  private final KafkaRaftServer server;
  private final String bootstrapServers;

  private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers) {
    this.server = server;
    this.bootstrapServers = bootstrapServers;
  }

  /**
   * Starts the broker on {@code dataDir}: formats it first when it is new (empty or absent), else starts on the data
   * it holds. The data is left in place on close; the caller owns the directory.
   */
  public static EmbeddedKafkaBroker start(Path dataDir) throws Exception {
    Files.createDirectories(dataDir);
    Path identityFile = dataDir.resolve(IDENTITY_FILE);
    Path logDir = dataDir.resolve("log");
    Identity identity;
    if (Files.exists(identityFile)) {
      JsonNode known = new ObjectMapper().readTree(identityFile.toFile());
      identity = new Identity(known.path("clusterId").asText(), known.path("port").asInt(),
          known.path("controllerPort").asInt());
      LOG.info("embedded Kafka broker: restarting on {} (cluster {})", dataDir, identity.clusterId());
    } else {
      try (var entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("broker data directory " + dataDir + " holds no " + IDENTITY_FILE
              + ": give an empty directory for a new broker, or the directory of an earlier one");
        }
      }
      identity = new Identity(Uuid.randomUuid().toString(), freePort(), freePort());
    }
    Properties props = config(identity, logDir);
    if (!Files.exists(identityFile)) {
      format(identity, logDir);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("clusterId", identity.clusterId());
      json.put("port", identity.port());
      json.put("controllerPort", identity.controllerPort());
      Files.writeString(identityFile, new ObjectMapper().writeValueAsString(json));
    }
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    String bootstrap = HOST + ":" + identity.port();
    try {
      server.startup();
      awaitReady(bootstrap, Duration.ofSeconds(60));
    } catch (Exception | Error e) {
      server.shutdown();
      throw e;
    }
    LOG.info("embedded Kafka broker ready at {} (data in {})", bootstrap, dataDir);
    return new EmbeddedKafkaBroker(server, bootstrap);
  }

  private static Properties config(Identity identity, Path logDir) {
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "0");
    props.put("listeners", "PLAINTEXT://" + HOST + ":" + identity.port() + ",CONTROLLER://" + HOST + ":"
        + identity.controllerPort());
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + identity.port());
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("controller.quorum.voters", "0@" + HOST + ":" + identity.controllerPort());
    props.put("log.dirs", logDir.toString());
    props.putAll(SINGLE_NODE);
    return props;
  }

  /** Formats a new log directory with the production features of this Kafka version. */
  private static void format(Identity identity, Path logDir) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setNodeId(0)
        .setClusterId(identity.clusterId())
        .addDirectory(logDir.toString())
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.latestProduction())
        .run();
  }

  private static void awaitReady(String bootstrap, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap, "request.timeout.ms", 2000,
        "default.api.timeout.ms", 3000))) {
      while (true) {
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception e) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("the embedded broker at " + bootstrap + " did not become ready", e);
          }
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
      return socket.getLocalPort();
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("embedded Kafka broker did not stop cleanly: {}", e.toString());
    }
  }
}
