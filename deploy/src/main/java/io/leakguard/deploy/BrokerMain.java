package io.leakguard.deploy;

import io.leakguard.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code leakguard run broker --data-dir DIR [--cluster-file FILE --node-id N] [--ready-file FILE]}: a KRaft Kafka
 * node for local use, listening on 127.0.0.1 only: a single-node cluster, or node N of the cluster the file
 * describes (its other nodes run in other processes). A new (empty or absent) directory is formatted; the directory
 * of an earlier broker is started again with its data, cluster ID and ports. Prints its bootstrap servers and writes
 * them to the ready file once it accepts connections.
 */
final class BrokerMain {

  private BrokerMain() {}

  static int run(Path dataDir, Path clusterFile, int nodeId, Path readyFile) throws Exception {
    EmbeddedKafkaBroker broker = clusterFile == null ? EmbeddedKafkaBroker.start(dataDir)
        : EmbeddedKafkaBroker.startNode(dataDir, EmbeddedKafkaBroker.Cluster.fromJson(Files.readString(clusterFile)),
            nodeId);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stop.countDown();
    }, "broker-shutdown"));
    System.out.println("broker ready at " + broker.bootstrapServers());
    if (readyFile != null) {
      Path partial = readyFile.resolveSibling(readyFile.getFileName() + ".tmp");
      Files.writeString(partial, broker.bootstrapServers());
      Files.move(partial, readyFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    stop.await();
    return 0;
  }
}
