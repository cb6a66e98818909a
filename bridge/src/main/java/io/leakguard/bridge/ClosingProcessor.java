package io.leakguard.bridge;

import io.leakguard.runtime.IncidentMdc;
import io.leakguard.runtime.Redactor;
import io.leakguard.schemas.RemediationOutcome;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-thread half of closing alerts at their source. An outcome that a {@link SourceCloser} handles is put in
 * the pending store (changelogged, so a closure survives a crash) keyed {@code closer|incident|status}, and handed to
 * a worker; the worker calls the source, retrying a retryable failure with exponential back-off and jitter up to
 * {@code maxAttempts}; a punctuator applies the results (removes the entry). Closers are idempotent, so an outcome
 * seen again after a crash only repeats a harmless call.
 */
final class ClosingProcessor implements Processor<String, RemediationOutcome, Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(ClosingProcessor.class);

  private record Result(String key, String message, boolean ok) {}

  private final String storeName;
  private final List<SourceCloser> closers;
  private final ScheduledExecutorService workers;
  private final int maxAttempts;
  private final Duration firstBackoff;
  private final ConcurrentLinkedQueue<Result> results = new ConcurrentLinkedQueue<>();
  private final Set<String> inFlight = new HashSet<>();
  private KeyValueStore<String, RemediationOutcome> pending;

  ClosingProcessor(String storeName, List<SourceCloser> closers, ScheduledExecutorService workers, int maxAttempts,
      Duration firstBackoff) {
    this.storeName = storeName;
    this.closers = List.copyOf(closers);
    this.workers = workers;
    this.maxAttempts = maxAttempts;
    this.firstBackoff = firstBackoff;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    pending = context.getStateStore(storeName);
    try (KeyValueIterator<String, RemediationOutcome> all = pending.all()) {
      while (all.hasNext()) {
        var entry = all.next();
        if (entry.value != null) {
          submit(entry.key, entry.value);
        }
      }
    }
    context.schedule(Duration.ofMillis(200), PunctuationType.WALL_CLOCK_TIME, now -> drain());
  }

  @Override
  public void process(Record<String, RemediationOutcome> record) {
    RemediationOutcome outcome = io.leakguard.runtime.Inputs.required(record.value(), "remediation.outcomes");
    for (SourceCloser closer : closers) {
      if (closer.handles(outcome)) {
        String key = closer.name() + "|" + outcome.getIncidentId() + "|" + outcome.getStatus();
        if (pending.get(key) == null && !inFlight.contains(key)) {
          pending.put(key, outcome);
          submit(key, outcome);
        }
      }
    }
  }

  private void submit(String key, RemediationOutcome outcome) {
    SourceCloser closer = closers.stream().filter(c -> key.startsWith(c.name() + "|")).findFirst().orElse(null);
    if (closer == null) {
      results.add(new Result(key, "no closer named in " + key + " is configured any more", false));
      return;
    }
    inFlight.add(key);
    workers.execute(() -> attempt(closer, key, outcome, 1));
  }

  private void attempt(SourceCloser closer, String key, RemediationOutcome outcome, int attempt) {
    // On a worker thread: the incident's MDC is set for this attempt only.
    try (IncidentMdc mdc = IncidentMdc.open(outcome.getIncidentId(), outcome.getMaskedKey())) {
      results.add(new Result(key, closer.close(outcome), true));
    } catch (Exception e) {
      String why = Redactor.describe(e);
      if (attempt < maxAttempts && closer.retryable(e)) {
        long base = firstBackoff.toMillis() << Math.min(attempt - 1, 16);
        long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        LOG.debug("{}: attempt {} failed ({}); next in {} ms", key, attempt, why, delay);
        workers.schedule(() -> attempt(closer, key, outcome, attempt + 1), delay, TimeUnit.MILLISECONDS);
      } else {
        results.add(new Result(key, why + " (after " + attempt + " attempt" + (attempt == 1 ? "" : "s") + ")",
            false));
      }
    }
  }

  private void drain() {
    Result result;
    while ((result = results.poll()) != null) {
      inFlight.remove(result.key());
      RemediationOutcome closed = pending.delete(result.key());
      String[] parts = result.key().split("\\|", 3);
      try (IncidentMdc mdc = IncidentMdc.open(parts[1], closed == null ? null : closed.getMaskedKey())) {
        if (result.ok()) {
          LOG.info("incident {}: {} alert closed: {}", parts[1], parts[0], result.message());
        } else {
          LOG.error("incident {}: could not close the {} alert: {}", parts[1], parts[0], result.message());
        }
      }
    }
  }
}
