package io.leakguard.detector.enrich;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.RamGateway;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks every account of the fleet on a schedule (ListUsers, ListAccessKeys per user) and writes one
 * {@link InventoryEntry} per AccessKey to the compacted inventory topic, and a tombstone for a key that is gone. The
 * enricher is the topic's only writer. Keys deleted while the service was down get their tombstone from the next
 * walk only if they were seen in this run: the entry of a key that no longer exists is harmless (the remediator reads
 * RAM again before acting).
 */
public final class InventoryRefresher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InventoryRefresher.class);

  private final CloudFleet fleet;
  private final Producer<String, InventoryEntry> producer;
  private final Topic<String, InventoryEntry> topic;
  private final Clock clock;
  private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leakguard-inventory");
    t.setDaemon(true);
    return t;
  });
  private Set<String> seen = new HashSet<>();

  InventoryRefresher(CloudFleet fleet, Producer<String, InventoryEntry> producer, Topic<String, InventoryEntry> topic,
      Clock clock) {
    this.fleet = fleet;
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
  }

  /** Starts walking the fleet now and then every {@code interval}. */
  public static InventoryRefresher start(CloudFleet fleet, Map<String, Object> kafka,
      Topic<String, InventoryEntry> topic, Duration interval) {
    Map<String, Object> props = new java.util.HashMap<>(kafka);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "leakguard-inventory");
    InventoryRefresher refresher = new InventoryRefresher(fleet,
        new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer()), topic,
        Clock.systemUTC());
    refresher.schedule.scheduleWithFixedDelay(refresher::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return refresher;
  }

  private void refreshQuietly() {
    try {
      int keys = refresh();
      LOG.info("inventory: {} keys in the fleet", keys);
    } catch (CloudException e) {
      LOG.warn("inventory walk failed: {} ({}); next walk as scheduled", e.code(), e.errorClass());
    } catch (RuntimeException e) {
      LOG.warn("inventory walk failed: {}", e.toString());
    }
  }

  /** One walk of the fleet; returns how many keys it found. */
  int refresh() throws CloudException {
    Set<String> now = new HashSet<>();
    for (String accountId : fleet.accountIds()) {
      RamGateway ram;
      try {
        ram = fleet.account(accountId).ram();
        for (RamGateway.User user : ram.listUsers()) {
          for (RamGateway.AccessKey key : ram.listAccessKeys(user.userName())) {
            now.add(key.accessKeyId());
            producer.send(new ProducerRecord<>(topic.name(), key.accessKeyId(), InventoryEntry.newBuilder()
                .setAccessKeyId(key.accessKeyId())
                .setKind(CredentialKind.RAM_USER_KEY)
                .setOwner(Owner.newBuilder().setAccountId(accountId).setUserName(user.userName())
                    .setArn("acs:ram::" + accountId + ":user/" + user.userName())
                    .setDisplayName(user.displayName()).setEmail(user.email()).build())
                .setStatus(key.status())
                .setCreatedAt(key.createDate())
                .setObservedAt(clock.instant())
                .build()));
          }
        }
      } catch (CloudException e) {
        // One account failing must not stop the walk of the others; its keys are kept as they were.
        LOG.warn("inventory: account {} skipped: {}", accountId, e.code());
        seen.stream().filter(k -> !now.contains(k)).forEach(now::add);
      }
    }
    for (String gone : seen) {
      if (!now.contains(gone)) {
        producer.send(new ProducerRecord<>(topic.name(), gone, null));
      }
    }
    producer.flush();
    seen = now;
    return now.size();
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    producer.close(Duration.ofSeconds(5));
  }
}
