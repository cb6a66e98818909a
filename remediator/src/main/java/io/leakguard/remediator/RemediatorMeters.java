package io.leakguard.remediator;

import io.leakguard.runtime.Metrics;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Timeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The remediator's meters. The gauges sum what each task's {@link RemediationProcessor} last reported, so they cover
 * every task of the process; a closed task's figures go away with it.
 */
final class RemediatorMeters {

  /** What one task holds now. */
  record Snapshot(int inFlight, int awaitingApproval, int contained, double oldestApprovalAgeSeconds) {
    static final Snapshot EMPTY = new Snapshot(0, 0, 0, 0);
  }

  private final MeterRegistry registry;
  private final Timer enrichedNeutralized;
  private final Timer timeToNeutralization;
  private final Map<Object, Snapshot> tasks = new ConcurrentHashMap<>();

  RemediatorMeters(Metrics metrics) {
    this.registry = metrics.registry();
    this.enrichedNeutralized = metrics.stageLatency(Metrics.Stage.ENRICHED_NEUTRALIZED);
    this.timeToNeutralization = Metrics.latency("leakguard.time.to.neutralization",
        "from the sighting to the moment the leaked credential stopped working", registry).register(registry);
    gauge("leakguard.remediations.in.flight", "remediations running on a worker now", Snapshot::inFlight);
    gauge("leakguard.remediations.awaiting.approval", "remediations waiting for a person's decision",
        Snapshot::awaitingApproval);
    gauge("leakguard.remediations.contained",
        "remediations waiting for approval with the leaked key contained (restricted to its addresses, or disabled)",
        Snapshot::contained);
    Gauge.builder("leakguard.remediation.oldest.approval.age", tasks, all -> all.values().stream()
            .mapToDouble(Snapshot::oldestApprovalAgeSeconds).max().orElse(0))
        .baseUnit("seconds").description("how long the oldest remediation waiting for approval has waited")
        .register(registry);
  }

  private void gauge(String name, String description, ToDoubleFunction<Snapshot> figure) {
    Gauge.builder(name, tasks, all -> all.values().stream().mapToDouble(figure).sum()).description(description)
        .register(registry);
  }

  void report(Object task, Snapshot snapshot) {
    tasks.put(task, snapshot);
  }

  void forget(Object task) {
    tasks.remove(task);
  }

  /** A final outcome: counted, and its latencies observed when the credential was neutralized. */
  void finalOutcome(RemediationOutcome outcome) {
    Counter.builder("leakguard.incidents").description("final remediation outcomes")
        .tag("source", label(outcome.getSource() == null ? null : outcome.getSource().getType()))
        .tag("kind", label(outcome.getKind()))
        .tag("owner_kind", label(outcome.getOwnerKind()))
        .tag("status", label(outcome.getStatus()))
        .register(registry).increment();
    Timeline timeline = outcome.getTimeline();
    if (timeline != null && timeline.getNeutralizedAt() != null) {
      Metrics.observe(enrichedNeutralized, timeline.getEnrichedAt(), timeline.getNeutralizedAt());
      Metrics.observe(timeToNeutralization, timeline.getSightedAt(), timeline.getNeutralizedAt());
    }
  }

  private static String label(Enum<?> value) {
    return value == null ? "unknown" : value.name().toLowerCase(Locale.ROOT);
  }
}
