package io.leakguard.notifier;

import io.leakguard.notifier.channel.Channel;
import io.leakguard.notifier.channel.Message;
import io.leakguard.notifier.channel.Recipient;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.DeliveryState;
import io.leakguard.schemas.JournalDelivery;
import io.leakguard.schemas.NotificationJournal;
import io.leakguard.schemas.NotificationOutcome;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-thread half of the notifier; it never calls a channel.
 *
 * <ol>
 *   <li>An outcome opens a journal entry keyed {@code incidentId|status} with one delivery per recipient that
 *       {@link Routing} chose, each with a stable delivery ID, and hands the deliveries to the {@link Deliverer}. An
 *       outcome whose entry exists (a duplicate, a redelivered record, a replay after a crash) does nothing more.</li>
 *   <li>A wall-clock punctuator drains the workers' reports into the journal (changelogged, durable at the next
 *       exactly-once commit). A delivery that failed for good adds one to the fallback recipients. When every
 *       delivery is final, the {@link NotificationOutcome} is forwarded, once.</li>
 *   <li>On start and after a rebalance, every PENDING delivery of an open entry is handed over again; the
 *       {@link SentLog} keeps one that was accepted just before a crash from being sent twice.</li>
 *   <li>During a storm ({@link StormMeter}), the security team's messages of new incidents are folded into one digest
 *       per interval (a journal entry of its own, {@code digest|<task>|<interval start>}); owners are still told one by
 *       one.</li>
 * </ol>
 */
final class NotificationProcessor implements Processor<String, RemediationOutcome, String, NotificationOutcome> {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationProcessor.class);
  static final String DIGEST = "digest";

  private final String storeName;
  private final Routing routing;
  private final Deliverer deliverer;
  private final StormMeter storm;
  private final Duration digestInterval;
  private final Duration drainInterval;
  private final Duration retention;

  private final ConcurrentLinkedQueue<Deliverer.Report> reports = new ConcurrentLinkedQueue<>();
  /** Delivery IDs handed to the workers and not reported yet. */
  private final Set<String> inFlight = new HashSet<>();
  private ProcessorContext<String, NotificationOutcome> context;
  private final io.micrometer.core.instrument.MeterRegistry meters;
  /** neutralized-to-notified; null: not observed. */
  private final io.micrometer.core.instrument.Timer latency;
  private KeyValueStore<String, NotificationJournal> journal;

  NotificationProcessor(String storeName, Routing routing, Deliverer deliverer, StormMeter storm,
      Duration digestInterval, Duration drainInterval, Duration retention) {
    this(storeName, routing, deliverer, storm, digestInterval, drainInterval, retention,
        new io.micrometer.core.instrument.composite.CompositeMeterRegistry(), null);
  }

  NotificationProcessor(String storeName, Routing routing, Deliverer deliverer, StormMeter storm,
      Duration digestInterval, Duration drainInterval, Duration retention,
      io.micrometer.core.instrument.MeterRegistry meters, io.micrometer.core.instrument.Timer latency) {
    this.meters = meters;
    this.latency = latency;
    this.storeName = storeName;
    this.routing = routing;
    this.deliverer = deliverer;
    this.storm = storm;
    this.digestInterval = digestInterval;
    this.drainInterval = drainInterval;
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<String, NotificationOutcome> context) {
    this.context = context;
    this.journal = context.getStateStore(storeName);
    int resumed = 0;
    List<String> unreadable = new ArrayList<>();
    try (KeyValueIterator<String, NotificationJournal> all = journal.all()) {
      while (all.hasNext()) {
        var entry = all.next();
        if (entry.value == null) {
          unreadable.add(entry.key);
        } else if (!entry.value.getDone()) {
          resumed += submitPending(entry.value);
        }
      }
    }
    unreadable.forEach(journal::delete);
    if (resumed > 0) {
      LOG.info("task {}: resumed {} pending deliveries", context.taskId(), resumed);
    }
    context.schedule(drainInterval, PunctuationType.WALL_CLOCK_TIME, this::drain);
    context.schedule(Duration.ofHours(1), PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, RemediationOutcome> record) {
    RemediationOutcome outcome = io.leakguard.runtime.Inputs.required(record.value(), "remediation.outcomes");
    try (IncidentMdc mdc = IncidentMdc.open(outcome.getIncidentId(), outcome.getMaskedKey())) {
      process(outcome);
    }
  }

  private void process(RemediationOutcome outcome) {
    String key = outcome.getIncidentId() + "|" + outcome.getStatus();
    if (journal.get(key) != null) {
      LOG.debug("incident {}: {} already announced (duplicate or redelivered outcome)", outcome.getIncidentId(),
          outcome.getStatus());
      return;
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    Routing.Route route = routing.route(outcome);
    boolean digest = storm.arrive(now.toEpochMilli());
    List<JournalDelivery> deliveries = new ArrayList<>();
    for (Recipient recipient : route.recipients()) {
      JournalDelivery delivery = delivery(key, recipient);
      if (digest && Recipient.SECURITY_TEAM.equals(recipient.role())) {
        delivery.setState(DeliveryState.DIGESTED);
        delivery.setDetail("in the security team's storm digest");
      }
      deliveries.add(delivery);
    }
    if (digest) {
      addToDigest(Templates.digestLine(Notice.of(outcome)), now);
    }
    NotificationJournal entry = NotificationJournal.newBuilder().setKey(key).setOutcome(outcome)
        .setNotes(route.notes()).setOpenedAt(now).setDeliveries(deliveries).build();
    journal.put(key, entry);
    if (submitPending(entry) == 0) {
      finish(entry, now);
    }
  }

  private JournalDelivery delivery(String key, Recipient recipient) {
    Channel channel = deliverer.channel(recipient.channel());
    return JournalDelivery.newBuilder()
        .setDeliveryId(key + "|" + recipient.key())
        .setChannel(recipient.channel())
        .setRole(recipient.role())
        .setEmail(recipient.email())
        .setMobile(recipient.mobile())
        .setLanguage(recipient.language())
        .setRecipient(channel == null ? recipient.channel() : channel.describe(recipient))
        .setState(DeliveryState.PENDING)
        .build();
  }

  /** Hands every PENDING delivery of {@code entry} not in flight to the workers; returns how many. */
  private int submitPending(NotificationJournal entry) {
    try (IncidentMdc mdc = mdc(entry)) { // Deliverer carries it to its workers
      return submitEach(entry);
    }
  }

  /** The incident of an entry in the MDC; none for a storm digest. */
  private static IncidentMdc mdc(NotificationJournal entry) {
    RemediationOutcome outcome = entry.getOutcome();
    return outcome == null ? IncidentMdc.open(null, null)
        : IncidentMdc.open(outcome.getIncidentId(), outcome.getMaskedKey());
  }

  private int submitEach(NotificationJournal entry) {
    int submitted = 0;
    for (JournalDelivery delivery : entry.getDeliveries()) {
      if (delivery.getState() == DeliveryState.PENDING && inFlight.add(delivery.getDeliveryId())) {
        Recipient recipient = new Recipient(delivery.getChannel(), delivery.getRole(), delivery.getEmail(),
            delivery.getMobile(), delivery.getLanguage());
        deliverer.submit(new Deliverer.Job(entry.getKey(), delivery.getDeliveryId(), recipient,
            message(entry, delivery)), reports::add);
        submitted++;
      }
    }
    return submitted;
  }

  private Message message(NotificationJournal entry, JournalDelivery delivery) {
    if (entry.getOutcome() == null) {
      Instant from = Instant.ofEpochMilli(Long.parseLong(entry.getKey().substring(entry.getKey().lastIndexOf('|')
          + 1)));
      return Templates.digest(delivery.getDeliveryId(), entry.getKey(), entry.getDigestLines(), from,
          from.plus(digestInterval), delivery.getLanguage());
    }
    Message message = Templates.render(Notice.of(entry.getOutcome()), delivery.getLanguage(),
        delivery.getDeliveryId());
    if (!"fallback".equals(delivery.getRole())) {
      return message;
    }
    String failed = entry.getDeliveries().stream().filter(d -> d.getState() == DeliveryState.FAILED)
        .map(d -> d.getRecipient() + ": " + d.getDetail()).reduce((a, b) -> a + "; " + b).orElse("");
    String prefix = "Undelivered (" + failed + ")\n\n";
    return new Message(message.deliveryId(), message.incidentId(), message.status(), message.language(),
        "[undelivered] " + message.title(), prefix + message.text(), "**" + prefix.strip() + "**\n\n"
        + message.markdown(), message.html().replace("<body>", "<body><p><b>" + Templates.escape(prefix.strip())
        + "</b></p>"), message.facts());
  }

  private void addToDigest(String line, Instant now) {
    long start = now.toEpochMilli() - Math.floorMod(now.toEpochMilli(), digestInterval.toMillis());
    String key = DIGEST + "|" + context.taskId() + "|" + start;
    NotificationJournal digest = journal.get(key);
    if (digest == null) {
      digest = NotificationJournal.newBuilder().setKey(key).setOpenedAt(now).build();
    }
    List<String> lines = new ArrayList<>(digest.getDigestLines());
    lines.add(line);
    journal.put(key, NotificationJournal.newBuilder(digest).setDigestLines(lines).build());
  }

  /** Applies the workers' reports; seals digests whose interval ended. */
  private void drain(long nowMillis) {
    Instant now = Instant.ofEpochMilli(nowMillis);
    Deliverer.Report report;
    Set<String> touched = new java.util.LinkedHashSet<>();
    while ((report = reports.poll()) != null) {
      inFlight.remove(report.deliveryId());
      NotificationJournal entry = journal.get(report.journalKey());
      if (entry == null || entry.getDone()) {
        continue;
      }
      List<JournalDelivery> deliveries = new ArrayList<>(entry.getDeliveries());
      boolean failedForGood = false;
      for (int i = 0; i < deliveries.size(); i++) {
        JournalDelivery d = deliveries.get(i);
        if (d.getDeliveryId().equals(report.deliveryId()) && d.getState() == DeliveryState.PENDING) {
          deliveries.set(i, JournalDelivery.newBuilder(d).setState(report.state())
              .setAttempts(d.getAttempts() + report.attempts()).setDetail(report.detail()).build());
          failedForGood = report.state() == DeliveryState.FAILED && !"fallback".equals(d.getRole());
          if (report.state() == DeliveryState.FAILED) {
            try (IncidentMdc mdc = mdc(entry)) {
              LOG.warn("incident {}: delivery to {} failed: {}", entry.getKey(), d.getRecipient(), report.detail());
            }
          }
        }
      }
      if (failedForGood) {
        String lang = deliveries.get(0).getLanguage();
        for (Recipient fallback : routing.fallback(lang)) {
          String id = entry.getKey() + "|fallback|" + fallback.key();
          if (deliveries.stream().noneMatch(d -> d.getDeliveryId().equals(id))) {
            JournalDelivery added = delivery(entry.getKey(), fallback);
            added.setDeliveryId(id);
            deliveries.add(added);
          }
        }
      }
      NotificationJournal updated = NotificationJournal.newBuilder(entry).setDeliveries(deliveries).build();
      journal.put(entry.getKey(), updated);
      submitPending(updated);
      touched.add(entry.getKey());
    }
    for (String key : touched) {
      NotificationJournal entry = journal.get(key);
      if (entry != null && !entry.getDone() && entry.getDeliveries().stream()
          .noneMatch(d -> d.getState() == DeliveryState.PENDING)) {
        finish(entry, now);
      }
    }
    sealDigests(now);
  }

  private void sealDigests(Instant now) {
    String prefix = DIGEST + "|" + context.taskId() + "|";
    List<NotificationJournal> due = new ArrayList<>();
    try (KeyValueIterator<String, NotificationJournal> digests = journal.prefixScan(prefix,
        new org.apache.kafka.common.serialization.StringSerializer())) {
      while (digests.hasNext()) {
        NotificationJournal digest = digests.next().value;
        long start = Long.parseLong(digest.getKey().substring(prefix.length()));
        if (!digest.getDone() && digest.getDeliveries().isEmpty()
            && now.toEpochMilli() >= start + digestInterval.toMillis()) {
          due.add(digest);
        }
      }
    }
    for (NotificationJournal digest : due) {
      List<JournalDelivery> deliveries = routing.securityTeam().stream().map(r -> delivery(digest.getKey(), r))
          .toList();
      NotificationJournal sealed = NotificationJournal.newBuilder(digest).setDeliveries(deliveries).build();
      journal.put(digest.getKey(), sealed);
      LOG.info("storm digest {}: {} incidents to the security team", digest.getKey(),
          digest.getDigestLines().size());
      submitPending(sealed);
    }
  }

  private void finish(NotificationJournal entry, Instant now) {
    journal.put(entry.getKey(), NotificationJournal.newBuilder(entry).setDone(true).build());
    RemediationOutcome outcome = entry.getOutcome();
    if (outcome == null) {
      return; // a digest: its deliveries are in the log and in each incident's DIGESTED entry
    }
    List<Delivery> deliveries = entry.getDeliveries().stream().map(d -> Delivery.newBuilder()
        .setChannel(d.getChannel())
        .setRecipient(d.getRecipient())
        .setDelivered(d.getState() == DeliveryState.SENT || d.getState() == DeliveryState.DIGESTED)
        .setDetail(d.getDetail())
        .setRole(d.getRole())
        .setLanguage(d.getLanguage())
        .setAttempts(d.getAttempts())
        .setDeliveryId(d.getDeliveryId())
        .build()).toList();
    NotificationOutcome notification = NotificationOutcome.newBuilder()
        .setIncidentId(outcome.getIncidentId())
        .setAccessKeyId(outcome.getAccessKeyId())
        .setMaskedKey(outcome.getMaskedKey())
        .setRemediationStatus(outcome.getStatus())
        .setDeliveries(deliveries)
        .setNotes(entry.getNotes())
        .setTimeline(Timeline.newBuilder(outcome.getTimeline()).setNotifiedAt(now).build())
        .build();
    context.forward(new Record<>(outcome.getAccessKeyId(), notification, now.toEpochMilli()));
    // Counted here, with the outcome that reports them, so the counter agrees with notification.outcomes; a storm
    // digest's own message is not counted (each incident it covers counts one "digested" delivery).
    for (JournalDelivery d : entry.getDeliveries()) {
      String result = switch (d.getState()) {
        case SENT -> "delivered";
        case DIGESTED -> "digested";
        default -> "failed";
      };
      io.micrometer.core.instrument.Counter.builder("leakguard.notifications")
          .description("final deliveries of notifications, by channel and result")
          .tag("channel", d.getChannel()).tag("result", result).register(meters).increment();
    }
    if (latency != null) {
      io.leakguard.runtime.Metrics.observe(latency, outcome.getTimeline().getNeutralizedAt(), now);
    }
  }

  /** Drops finished entries older than the retention: by then no redelivered outcome can still arrive. */
  private void expire(long nowMillis) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, NotificationJournal> all = journal.all()) {
      while (all.hasNext()) {
        var entry = all.next();
        if (entry.value != null && entry.value.getDone()
            && entry.value.getOpenedAt().toEpochMilli() < nowMillis - retention.toMillis()) {
          old.add(entry.key);
        }
      }
    }
    old.forEach(journal::delete);
  }
}
