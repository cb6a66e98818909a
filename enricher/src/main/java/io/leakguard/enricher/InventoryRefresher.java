package io.leakguard.enricher;

import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.Topic;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
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
 * Writes every walk of the {@link OwnerDirectory} to the compacted inventory topic: one {@link InventoryEntry} per
 * AccessKey, and a tombstone for a key seen before that is gone. Asks for a walk at start and then every
 * {@code interval}; walks made for lookups of unknown keys are written too. The enricher is the topic's only
 * writer. Keys deleted while the service was down get their tombstone only if they were seen in this run: the entry
 * of a key that no longer exists is harmless (the remediator reads RAM again before acting).
 */
public final class InventoryRefresher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InventoryRefresher.class);

  private final OwnerDirectory directory;
  private final Producer<String, InventoryEntry> producer;
  private final Topic<String, InventoryEntry> topic;
  private final Clock clock;
  private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leakguard-inventory");
    t.setDaemon(true);
    return t;
  });
  /** Each key written by the last walk, with its account. */
  private Map<String, String> seen = new HashMap<>();

  InventoryRefresher(OwnerDirectory directory, Producer<String, InventoryEntry> producer,
      Topic<String, InventoryEntry> topic, Clock clock) {
    this.directory = directory;
    this.producer = producer;
    this.topic = topic;
    this.clock = clock;
    directory.onWalk(this::publish);
  }

  /** Writes every walk from now on, and asks for one now and every {@code interval}. */
  static InventoryRefresher start(OwnerDirectory directory, Map<String, Object> kafka,
      Topic<String, InventoryEntry> topic, Duration interval) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "leakguard-inventory");
    InventoryRefresher refresher = new InventoryRefresher(directory,
        new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer()), topic,
        Clock.systemUTC());
    refresher.schedule.scheduleWithFixedDelay(() -> directory.walkAfter(refresher.clock.instant()), 0,
        interval.toMillis(), TimeUnit.MILLISECONDS);
    return refresher;
  }

  /** Asks for a walk now and waits until it is written; returns how many keys it found. */
  int refresh() throws InterruptedException, ExecutionException {
    return directory.walkAfter(clock.instant()).get().keys().size();
  }

  private synchronized void publish(OwnerDirectory.Walk walk) {
    Map<String, String> now = new HashMap<>();
    walk.keys().forEach((id, owned) -> {
      now.put(id, owned.accountId());
      producer.send(new ProducerRecord<>(topic.name(), id, InventoryEntry.newBuilder()
          .setAccessKeyId(id)
          .setKind(CredentialKind.RAM_USER_KEY)
          .setOwner(Owner.newBuilder().setAccountId(owned.accountId()).setUserName(owned.user().userName())
              .setArn("acs:ram::" + owned.accountId() + ":user/" + owned.user().userName())
              .setDisplayName(owned.user().displayName()).setEmail(owned.user().email())
              .setMobilePhone(owned.user().mobilePhone()).build())
          .setStatus(owned.key().status())
          .setCreatedAt(owned.key().createDate())
          .setObservedAt(clock.instant())
          .build()));
    });
    // An account that could not be listed keeps its keys as they were.
    Set<String> unlisted = new HashSet<>(walk.failedAccounts().keySet());
    seen.forEach((id, account) -> {
      if (!now.containsKey(id)) {
        if (unlisted.contains(account) || unlisted.contains("*")) {
          now.put(id, account);
        } else {
          producer.send(new ProducerRecord<>(topic.name(), id, null));
        }
      }
    });
    producer.flush();
    seen = now;
    LOG.info("inventory: {} keys in the fleet", walk.keys().size());
  }

  @Override
  public void close() {
    schedule.shutdownNow();
    producer.close(Duration.ofSeconds(5));
  }
}
