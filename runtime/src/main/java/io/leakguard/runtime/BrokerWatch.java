package io.leakguard.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the service can reach its brokers: Kafka Streams stays RUNNING while the brokers are frozen or gone (it
 * just waits), so readiness asks the cluster itself, every {@value #EVERY_MS} ms, with a
 * {@value #TIMEOUT_MS} ms bound. Reachable means the cluster answered within the last {@value #STALE_MS} ms.
 */
final class BrokerWatch implements AutoCloseable {

  static final long EVERY_MS = 2_000;
  static final int TIMEOUT_MS = 3_000;
  static final long STALE_MS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(BrokerWatch.class);

  private final Admin admin;
  private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leakguard-broker-watch");
    t.setDaemon(true);
    return t;
  });
  private volatile long lastAnswer = System.nanoTime();
  private volatile boolean reported = true;

  BrokerWatch(Map<String, Object> kafka, String clientId) {
    Map<String, Object> props = new HashMap<>();
    kafka.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
    this.admin = Admin.create(props);
    schedule.scheduleWithFixedDelay(this::check, 0, EVERY_MS, TimeUnit.MILLISECONDS);
  }

  private void check() {
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS)).clusterId()
          .get(TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS);
      lastAnswer = System.nanoTime();
      if (!reported) {
        LOG.info("the Kafka cluster answers again");
        reported = true;
      }
    } catch (Exception e) {
      if (reported && !reachable()) {
        LOG.warn("the Kafka cluster has not answered for {} ms: not ready", STALE_MS);
        reported = false;
      }
    }
  }

  boolean reachable() {
    return System.nanoTime() - lastAnswer < TimeUnit.MILLISECONDS.toNanos(STALE_MS);
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    admin.close(Duration.ofSeconds(2));
  }
}
