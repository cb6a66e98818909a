package io.leakguard.runtime.broker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), started in-process from
 * Kafka's own server classes, listening on loopback. Used by the local stack and the integration tests when no
 * {@code bootstrap.servers} is configured; this machine has no Docker engine for Testcontainers.
 *
 * <p>Tuned for one node: replication factor 1 everywhere (offsets, transaction state, Streams' internal topics) and
 * {@code group.initial.rebalance.delay.ms=0}, which otherwise delays every new consumer group by 3 s.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

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

  private final KafkaClusterTestKit cluster;

  private EmbeddedKafkaBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /**
   * Formats a new log directory under {@code dataDir} (which must be empty or absent) and starts the broker.
   * The data is left in place on close, so a test can look at it; the caller owns the directory.
   */
  public static EmbeddedKafkaBroker start(Path dataDir) throws Exception {
    Files.createDirectories(dataDir);
    try (var entries = Files.list(dataDir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException("broker data directory " + dataDir + " must be empty");
      }
    }
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBaseDirectory(dataDir)
        .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(false);
    SINGLE_NODE.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = builder.build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(cluster);
    LOG.info("embedded Kafka broker ready at {} (data in {})", broker.bootstrapServers(), dataDir);
    return broker;
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      LOG.warn("embedded Kafka broker did not stop cleanly: {}", e.toString());
    }
  }
}
