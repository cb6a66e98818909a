package io.leakguard.enricher;

import io.leakguard.runtime.IncidentMdc;
import io.leakguard.runtime.OnDemandPunctuation;
import io.leakguard.runtime.Redactor;
import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.Severity;
import io.leakguard.schemas.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-thread half of the enricher. It never calls the cloud:
 *
 * <ol>
 *   <li>A leak is journaled in {@value #STORE} (changelogged, in the same transaction as the input's offset) and
 *       handed to the {@link Enrichment}, with the inventory's entry for the key.</li>
 *   <li>A wall-clock punctuator forwards each finished enrichment and removes its journal entry, in one
 *       transaction.</li>
 *   <li>After a restart or a rebalance, every journaled leak is enriched again (enrichment only reads, so doing it
 *       twice is harmless), so a leak is never lost between its input and its output.</li>
 * </ol>
 */
final class EnrichProcessor implements Processor<String, LeakDetected, String, LeakEnriched> {

  static final String STORE = "pending-enrichments";
  static final Duration PUNCTUATION = Duration.ofMillis(10);
  private static final Logger LOG = LoggerFactory.getLogger(EnrichProcessor.class);

  private record Done(String key, String incidentId, LeakEnriched enriched, Throwable error) {}

  private final Enrichment enrichment;
  private final String inventoryStore;
  private final io.micrometer.core.instrument.Timer latency;
  private final ConcurrentLinkedQueue<Done> done = new ConcurrentLinkedQueue<>();
  private final Set<String> inFlight = new HashSet<>();
  private ProcessorContext<String, LeakEnriched> context;
  private KeyValueStore<String, LeakDetected> pending;
  private KeyValueStore<String, ValueAndTimestamp<InventoryEntry>> inventory;
  private boolean resumed;
  private OnDemandPunctuation punctuation;

  EnrichProcessor(Enrichment enrichment, String inventoryStore, io.micrometer.core.instrument.Timer latency) {
    this.latency = latency;
    this.enrichment = enrichment;
    this.inventoryStore = inventoryStore;
  }

  @Override
  public void init(ProcessorContext<String, LeakEnriched> context) {
    this.context = context;
    this.pending = context.getStateStore(STORE);
    this.inventory = context.getStateStore(inventoryStore);
    // Only while enrichments are in flight (and once at start, to resume the journaled ones).
    this.punctuation = new OnDemandPunctuation(context, PUNCTUATION, this::drain);
    punctuation.awake();
  }

  @Override
  public void process(Record<String, LeakDetected> record) {
    LeakDetected leak = io.leakguard.runtime.Inputs.required(record.value(), "leaks.detected");
    if (record.key() == null || !record.key().equals(leak.getAccessKeyId())) {
      throw new IllegalArgumentException("a leaks.detected record must be keyed by its AccessKey ID");
    }
    LeakDetected waiting = pending.get(record.key());
    if (waiting != null && waiting.getIncidentId().equals(leak.getIncidentId())) {
      return; // a redelivered copy of a leak being enriched
    }
    pending.put(record.key(), leak);
    start(record.key(), leak);
    drain();
  }

  private void start(String key, LeakDetected leak) {
    inFlight.add(key);
    punctuation.awake();
    ValueAndTimestamp<InventoryEntry> known = inventory.get(key);
    try (IncidentMdc mdc = IncidentMdc.open(leak.getIncidentId(), leak.getMaskedKey())) {
      enrichment.enrich(leak, known == null ? null : known.value()).whenComplete((enriched, error) ->
          done.add(new Done(key, leak.getIncidentId(), enriched, error)));
    } catch (RuntimeException e) {
      done.add(new Done(key, leak.getIncidentId(), null, e));
    }
  }

  /** Forwards finished enrichments; after a restart, restarts the journaled ones first. */
  private void drain() {
    if (!resumed) {
      resumed = true;
      List<LeakDetected> unfinished = new ArrayList<>();
      List<String> unreadable = new ArrayList<>();
      try (KeyValueIterator<String, LeakDetected> all = pending.all()) {
        all.forEachRemaining(entry -> {
          if (entry.value == null) {
            unreadable.add(entry.key); // a changelog entry nobody can read (StoreSerdes): dropped, never fatal
          } else if (!inFlight.contains(entry.key)) {
            unfinished.add(entry.value);
          }
        });
      }
      unreadable.forEach(pending::delete);
      if (!unfinished.isEmpty()) {
        LOG.info("task {}: resuming {} enrichments", context.taskId(), unfinished.size());
      }
      unfinished.forEach(leak -> start(leak.getAccessKeyId(), leak));
    }
    Done next;
    while ((next = done.poll()) != null) {
      LeakDetected leak = pending.get(next.key());
      if (leak == null || !leak.getIncidentId().equals(next.incidentId())) {
        continue; // superseded
      }
      inFlight.remove(next.key());
      LeakEnriched enriched = next.enriched();
      if (enriched == null) {
        // A bug must not hold a leak back: it goes on with what the detector knew, marked partial.
        try (IncidentMdc mdc = IncidentMdc.open(leak.getIncidentId(), leak.getMaskedKey())) {
          LOG.error("incident {}: enrichment failed: {}", leak.getIncidentId(), Redactor.describe(next.error()));
        }
        enriched = unenriched(leak, Instant.ofEpochMilli(context.currentSystemTimeMs()));
      }
      pending.delete(next.key());
      context.forward(new Record<>(next.key(), enriched, leak.getTimeline().getSightedAt().toEpochMilli()));
      io.leakguard.runtime.Metrics.observe(latency, enriched.getTimeline().getDetectedAt(),
          enriched.getTimeline().getEnrichedAt());
    }
    if (inFlight.isEmpty()) {
      punctuation.sleep();
    }
  }

  /** The leak as the detector saw it, with no owner and marked partial. */
  static LeakEnriched unenriched(LeakDetected leak, Instant now) {
    return LeakEnriched.newBuilder()
        .setIncidentId(leak.getIncidentId()).setAccessKeyId(leak.getAccessKeyId()).setKind(leak.getKind())
        .setMaskedKey(leak.getMaskedKey()).setSecretFingerprint(leak.getSecretFingerprint())
        .setSource(leak.getSource()).setOwner(Owner.newBuilder().build()).setOwnerKind(OwnerKind.UNKNOWN)
        .setLive(leak.getLive()).setProbe(leak.getProbe()).setCallerIdentity(leak.getCallerIdentity())
        .setSeverity(Severity.MEDIUM).setPartial(true).setSightingCount(leak.getSightingCount())
        .setTimeline(Timeline.newBuilder(leak.getTimeline()).setEnrichedAt(now).build())
        .build();
  }
}
