package io.leakguard.deploy;

import io.leakguard.runtime.broker.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code leakguard run broker --data-dir DIR [--ready-file FILE]}: a single-node KRaft Kafka broker for local use,
 * listening on 127.0.0.1 only. A new (empty or absent) directory is formatted; the directory of an earlier broker is
 * started again with its data, cluster ID and ports. Prints its bootstrap servers and writes them to the ready file
 * once it accepts connections.
 */
final class BrokerMain {

  private BrokerMain() {}

  static int run(String[] args) throws Exception {
    Path dataDir = null;
    Path readyFile = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
        case "--ready-file" -> readyFile = Path.of(value(args, ++i, "--ready-file"));
        default -> {
          System.err.println("broker: unknown option '" + args[i] + "'; usage: run broker --data-dir DIR [--ready-file FILE]");
          return 2;
        }
      }
    }
    if (dataDir == null) {
      System.err.println("broker: --data-dir DIR is required (an empty or absent directory for a new broker, or an "
          + "earlier broker's directory to start it again)");
      return 2;
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir);
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

  private static String value(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
