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
import java.util.List;
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
 * A real Apache Kafka node in KRaft mode (combined broker and controller), started in-process from Kafka's own server
 * classes: alone (a single-node cluster), or as one node of a cluster whose other nodes run in other processes
 * ({@link #startNode}). Used by the local stack and the integration tests when no {@code bootstrap.servers} is
 * configured; this machine has no Docker engine for Testcontainers.
 *
 * <ul>
 *   <li>Every listener (clients and controller) binds 127.0.0.1 only.</li>
 *   <li>The first start formats the data directory (which must be empty or absent) and records the cluster ID and
 *       both ports in {@value #IDENTITY_FILE}; a later start on that directory keeps its data, cluster ID and ports,
 *       so a broker can be stopped (or killed) and started again and its clients find it where it was.</li>
 *   <li>Tuned for one node: replication factor 1 everywhere (offsets, transaction state, Streams' internal topics) and
 *       {@code group.initial.rebalance.delay.ms=0}, which otherwise delays every new consumer group by 3 s.</li>
 *   <li>As a node of a cluster of three or more: replication factor 3 and {@code min.insync.replicas=2} for every
 *       topic (the defaults of topics created without either, which is how LeakGuard and Kafka Streams create
 *       theirs), the offsets topic and the transaction state, so one node can be lost without losing a write or
 *       stopping one.</li>
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

  /** Settings of a node of a cluster of three or more: one node may be lost, acknowledged writes never are. */
  static final Map<String, String> REPLICATED = Map.of(
      "offsets.topic.replication.factor", "3",
      "offsets.topic.num.partitions", "4",
      "transaction.state.log.replication.factor", "3",
      "transaction.state.log.min.isr", "2",
      "transaction.state.log.num.partitions", "4",
      "default.replication.factor", "3",
      "min.insync.replicas", "2",
      "group.initial.rebalance.delay.ms", "0",
      "auto.create.topics.enable", "false");

  /** One node of a cluster: its ID and ports. */
  public record Node(int nodeId, int port, int controllerPort) {
    String voter() {
      return nodeId + "@" + HOST + ":" + controllerPort;
    }
  }

  /**
   * A cluster of nodes that run in separate processes on this host; every node is started with the same cluster.
   *
   * @param clusterId the cluster ID every node's data directory is formatted with
   * @param nodes     every node, each also a controller (the static quorum)
   */
  public record Cluster(String clusterId, List<Node> nodes) {
    public Cluster {
      nodes = List.copyOf(nodes);
      if (nodes.size() != 1 && nodes.size() < 3) {
        throw new IllegalArgumentException("a cluster has 1 node or at least 3 (a quorum that survives a loss), not "
            + nodes.size());
      }
    }

    /** A new cluster of {@code size} nodes on free ports of 127.0.0.1. */
    public static Cluster create(int size) throws IOException {
      List<Node> nodes = new java.util.ArrayList<>();
      for (int i = 0; i < size; i++) {
        nodes.add(new Node(i, freePort(), freePort()));
      }
      return new Cluster(Uuid.randomUuid().toString(), nodes);
    }

    public Node node(int nodeId) {
      return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst().orElseThrow(
          () -> new IllegalArgumentException("no node " + nodeId + " in the cluster"));
    }

    /** Every node's client listener. */
    public String bootstrapServers() {
      return String.join(",", nodes.stream().map(n -> HOST + ":" + n.port()).toList());
    }

    public String toJson() {
      try {
        return new ObjectMapper().writeValueAsString(this);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }

    public static Cluster fromJson(String json) throws IOException {
      return new ObjectMapper().readValue(json, Cluster.class);
    }
  }

  /** What a data directory remembers of its node: the cluster it belongs to and which node it is. */
  private record Identity(Cluster cluster, int nodeId) {
    Node node() {
      return cluster.node(nodeId);
    }
  }

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
    return start(dataDir, null, 0);
  }

  /**
   * Starts node {@code nodeId} of {@code cluster} on {@code dataDir}: formats it first when it is new, else starts on
   * the data it holds (the directory remembers its cluster and node, which must then match). Returns once this node
   * accepts connections, which needs a quorum: start the other nodes concurrently.
   */
  public static EmbeddedKafkaBroker startNode(Path dataDir, Cluster cluster, int nodeId) throws Exception {
    cluster.node(nodeId);
    return start(dataDir, cluster, nodeId);
  }

  private static EmbeddedKafkaBroker start(Path dataDir, Cluster wanted, int nodeId) throws Exception {
    Files.createDirectories(dataDir);
    Path identityFile = dataDir.resolve(IDENTITY_FILE);
    Path logDir = dataDir.resolve("log");
    Identity identity;
    boolean fresh = !Files.exists(identityFile);
    if (!fresh) {
      identity = readIdentity(identityFile);
      if (wanted != null && (!identity.cluster().equals(wanted) || identity.nodeId() != nodeId)) {
        throw new IllegalArgumentException("broker data directory " + dataDir + " belongs to node "
            + identity.nodeId() + " of cluster " + identity.cluster().clusterId() + ", not to node " + nodeId
            + " of cluster " + wanted.clusterId());
      }
      LOG.info("embedded Kafka broker: restarting node {} on {} (cluster {})", identity.nodeId(), dataDir,
          identity.cluster().clusterId());
    } else {
      try (var entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalArgumentException("broker data directory " + dataDir + " holds no " + IDENTITY_FILE
              + ": give an empty directory for a new broker, or the directory of an earlier one");
        }
      }
      identity = new Identity(wanted != null ? wanted : Cluster.create(1), nodeId);
    }
    Properties props = config(identity, logDir);
    if (fresh) {
      format(identity, logDir);
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("cluster", identity.cluster());
      json.put("nodeId", identity.nodeId());
      Files.writeString(identityFile, new ObjectMapper().writeValueAsString(json));
    }
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    String bootstrap = HOST + ":" + identity.node().port();
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

  /** Reads a data directory's identity; an earlier single-node format ({@code clusterId}, ports) is still read. */
  private static Identity readIdentity(Path identityFile) throws IOException {
    JsonNode known = new ObjectMapper().readTree(identityFile.toFile());
    if (known.has("cluster")) {
      return new Identity(new ObjectMapper().treeToValue(known.get("cluster"), Cluster.class),
          known.path("nodeId").asInt());
    }
    Node node = new Node(0, known.path("port").asInt(), known.path("controllerPort").asInt());
    return new Identity(new Cluster(known.path("clusterId").asText(), List.of(node)), 0);
  }

  private static Properties config(Identity identity, Path logDir) {
    Node node = identity.node();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", Integer.toString(node.nodeId()));
    props.put("listeners", "PLAINTEXT://" + HOST + ":" + node.port() + ",CONTROLLER://" + HOST + ":"
        + node.controllerPort());
    props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + node.port());
    props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("controller.listener.names", "CONTROLLER");
    props.put("controller.quorum.voters", String.join(",", identity.cluster().nodes().stream().map(Node::voter)
        .toList()));
    props.put("log.dirs", logDir.toString());
    props.putAll(identity.cluster().nodes().size() == 1 ? SINGLE_NODE : REPLICATED);
    return props;
  }

  /** Formats a new log directory with the production features of this Kafka version. */
  private static void format(Identity identity, Path logDir) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
        .setNodeId(identity.nodeId())
        .setClusterId(identity.cluster().clusterId())
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
