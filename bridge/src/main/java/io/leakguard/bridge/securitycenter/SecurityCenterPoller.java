package io.leakguard.bridge.securitycenter;

import io.leakguard.bridge.Feeder;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.SecurityCenterGateway;
import io.leakguard.cloud.SecurityCenterGateway.LeakDetail;
import io.leakguard.cloud.SecurityCenterGateway.LeakPage;
import io.leakguard.cloud.SecurityCenterGateway.LeakSummary;
import io.leakguard.runtime.Redactor;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Security Center's pending AccessKey-leak records of every account of the fleet and writes each once to
 * {@code <prefix>alerts.security-center} as a {@link SecurityCenterLeakRecord} keyed by the leaked AccessKey ID, with
 * the account it was read in (so the incident's source names the record and its account, and the closer can mark it
 * handled).
 *
 * <p>Every {@code bridge.sas.poll.interval}, for each account: {@code DescribeAccesskeyLeakList} with
 * {@code Status=pending} and {@code StartTs} from the account's {@link Checkpoint}, page after page; the detail of
 * each new record ({@code DescribeAccessKeyLeakDetail}: source, repository, file); then, in one Kafka transaction,
 * the records and the account's new checkpoint on the compacted {@code <prefix>bridge.checkpoints}. A record and the
 * checkpoint that covers it are committed together, so after a crash or a restart nothing is written twice and
 * nothing is skipped. Records are also deduplicated by ID within a round (pages can shift while they are read).
 *
 * <p>An account that fails (NoPermission, throttling that outlasts the caller's retries, an unreachable endpoint) is
 * logged and read again next round; it never stops the poller or delays the other accounts' writes. The producer's
 * {@code transactional.id} is fixed: a second bridge instance polling too fences the first, whose next write fails
 * and which then reloads the checkpoints before it writes again, so even two pollers write each record once.
 */
public final class SecurityCenterPoller implements Feeder {

  private static final Logger LOG = LoggerFactory.getLogger(SecurityCenterPoller.class);
  /** The checkpoint key prefix on the checkpoints topic. */
  static final String SOURCE = "security-center";
  /** A bound on one account's round, against a list that never ends. */
  private static final int MAX_PAGES = 1_000;
  private static final Duration READ_LIMIT = Duration.ofSeconds(30);
  /** The detail's time format, used when a record's detail is not available (Beijing time, as Security Center). */
  private static final DateTimeFormatter SAS_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.ofHours(8));

  private final SasAccounts accounts;
  private final Topic<String, SecurityCenterLeakRecord> alerts;
  private final Topic<String, String> checkpointTopic;
  private final Map<String, Object> kafka;
  private final Duration interval;
  private final int pageSize;
  private final String transactionalId;
  private final Map<String, Checkpoint> checkpoints = new HashMap<>();
  private ScheduledExecutorService scheduler;
  private KafkaProducer<String, byte[]> producer;

  /**
   * @param kafka           the Kafka client properties (bootstrap servers, security)
   * @param transactionalId the producer's stable transactional ID
   */
  SecurityCenterPoller(SasAccounts accounts, TopicCatalog topics, Map<String, Object> kafka, Duration interval,
      int pageSize, String transactionalId) {
    if (pageSize < 1 || pageSize > SecurityCenterGateway.MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("pageSize must be 1.." + SecurityCenterGateway.MAX_PAGE_SIZE);
    }
    this.accounts = accounts;
    this.alerts = topics.securityCenterAlerts();
    this.checkpointTopic = topics.bridgeCheckpoints();
    this.kafka = Map.copyOf(kafka);
    this.interval = interval;
    this.pageSize = pageSize;
    this.transactionalId = transactionalId;
  }

  @Override
  public String name() {
    return "security-center poller";
  }

  @Override
  public synchronized void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bridge-security-center-poller");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("Security Center poller started: every {}, {} records a page", interval, pageSize);
  }

  /** One scheduled round; nothing escapes it, so the schedule never stops. */
  private void round() {
    try {
      pollOnce();
    } catch (RuntimeException | Error e) {
      LOG.error("Security Center poll round failed, tried again in {}: {}", interval, Redactor.describe(e));
    }
  }

  /** Reads every account once; returns how many records were written. */
  synchronized int pollOnce() {
    List<String> accountIds;
    try {
      accountIds = accounts.accountIds();
    } catch (CloudException e) {
      LOG.warn("Security Center poll: the fleet's accounts are unknown ({}); tried again next round",
          Redactor.describe(e));
      return 0;
    }
    ensureProducer();
    int written = 0;
    for (String accountId : accountIds) {
      try {
        written += poll(accountId);
      } catch (CloudException e) {
        LOG.warn("Security Center poll of account {} failed ({}): {}; read again next round", accountId,
            e.errorClass(), Redactor.describe(e));
      } catch (KafkaException e) {
        // The transaction is lost (or this producer fenced): the checkpoints are reloaded with a new producer.
        closeProducer();
        throw e;
      }
    }
    return written;
  }

  private int poll(String accountId) throws CloudException {
    SecurityCenterGateway sas = accounts.securityCenter(accountId);
    Checkpoint checkpoint = checkpoints.getOrDefault(accountId, Checkpoint.NONE);
    Map<Long, LeakSummary> fresh = new LinkedHashMap<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      LeakPage leaks = sas.leaks(SecurityCenterGateway.Status.PENDING, checkpoint.startTs(), page, pageSize);
      for (LeakSummary leak : leaks.leaks()) {
        if (!checkpoint.covers(leak)) {
          fresh.putIfAbsent(leak.id(), leak);
        }
      }
      if (leaks.leaks().isEmpty() || (long) page * pageSize >= leaks.totalCount()) {
        break;
      }
    }
    if (fresh.isEmpty()) {
      return 0;
    }
    List<SecurityCenterLeakRecord> records = new ArrayList<>();
    for (LeakSummary leak : fresh.values()) {
      SecurityCenterLeakRecord record = record(accountId, sas, leak);
      if (record != null) {
        records.add(record);
      }
    }
    Checkpoint next = checkpoint.after(fresh.values());
    producer.beginTransaction();
    try {
      for (SecurityCenterLeakRecord record : records) {
        producer.send(new ProducerRecord<>(alerts.name(), record.accesskeyId(),
            alerts.valueSerde().serializer().serialize(alerts.name(), record)));
      }
      producer.send(new ProducerRecord<>(checkpointTopic.name(), key(accountId),
          next.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      producer.commitTransaction();
    } catch (KafkaException e) {
      abortQuietly();
      throw e;
    }
    checkpoints.put(accountId, next);
    LOG.info("Security Center account {}: {} new leak record{} written", accountId, records.size(),
        records.size() == 1 ? "" : "s");
    return records.size();
  }

  /** The record to write, with the detail's fields when it can be read; null for a record unfit for the topic. */
  private SecurityCenterLeakRecord record(String accountId, SecurityCenterGateway sas, LeakSummary leak)
      throws CloudException {
    LeakDetail detail = null;
    try {
      detail = sas.detail(leak.id());
    } catch (CloudException e) {
      if (e.errorClass().retryable()) {
        throw e;
      }
      // Denied or gone: the list's fields still say which key leaked and where.
      LOG.warn("Security Center record {} in account {}: no detail ({}), written from the list", leak.id(),
          accountId, e.errorClass() == CloudErrorClass.DENIED ? "denied" : Redactor.describe(e));
    }
    try {
      return new SecurityCenterLeakRecord(leak.id(), leak.accessKeyId(), leak.type() == null ? "AccessKey"
          : leak.type(), detail == null ? null : detail.source(), leak.url(), leak.asset(),
          detail == null ? null : detail.githubRepoName(), detail == null ? null : detail.githubFileName(),
          detail != null && detail.gmtModified() != null ? detail.gmtModified()
              : SAS_TIME.format(Instant.ofEpochMilli(leak.gmtModified())),
          leak.dealType(), detail == null ? null : detail.whitelistStatus(), accountId);
    } catch (IllegalArgumentException e) {
      LOG.warn("Security Center record {} in account {} is skipped: {}", leak.id(), accountId, e.getMessage());
      return null;
    }
  }

  static String key(String accountId) {
    return SOURCE + "/" + accountId;
  }

  /** A transactional producer, and the checkpoints as committed, read after it fenced any earlier producer. */
  private void ensureProducer() {
    if (producer != null) {
      return;
    }
    Properties props = new Properties();
    props.putAll(kafka);
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) READ_LIMIT.toMillis());
    KafkaProducer<String, byte[]> created = new KafkaProducer<>(props, new StringSerializer(),
        new ByteArraySerializer());
    try {
      created.initTransactions();
      Map<String, Checkpoint> loaded = readCheckpoints();
      checkpoints.clear();
      checkpoints.putAll(loaded);
      producer = created;
    } catch (RuntimeException e) {
      created.close(Duration.ZERO);
      throw e;
    }
  }

  private Map<String, Checkpoint> readCheckpoints() {
    Properties props = new Properties();
    props.putAll(kafka);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "leakguard-bridge-checkpoints-" + UUID.randomUUID());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, Checkpoint> found = new HashMap<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
        new StringDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(checkpointTopic.name(), READ_LIMIT).stream()
          .map(p -> new TopicPartition(checkpointTopic.name(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_LIMIT);
      long deadline = System.nanoTime() + READ_LIMIT.toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new KafkaException("could not read " + checkpointTopic.name() + " to its end within " + READ_LIMIT);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
          if (record.key() == null || !record.key().startsWith(SOURCE + "/")) {
            continue;
          }
          String accountId = record.key().substring(SOURCE.length() + 1);
          if (record.value() == null) {
            found.remove(accountId);
            continue;
          }
          Checkpoint checkpoint = Checkpoint.parse(record.value());
          if (checkpoint == Checkpoint.NONE) {
            LOG.warn("an unreadable Security Center checkpoint of account {} is ignored: its pending records are "
                + "read again", accountId);
          }
          found.put(accountId, checkpoint);
        }
      }
    }
    return found;
  }

  private void abortQuietly() {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      LOG.debug("abort failed: {}", Redactor.describe(e));
    }
  }

  private void closeProducer() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }

  @Override
  public void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      closeProducer();
    }
  }
}
