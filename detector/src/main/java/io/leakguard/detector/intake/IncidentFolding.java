package io.leakguard.detector.intake;

import io.leakguard.runtime.IncidentMdc;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.IncidentStatus;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Sighting;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One incident per key. Every sighting of an AccessKey ID, from any source, is folded into the incident in the
 * {@value #STORE} store: the first one opens the incident and goes on to remediation; later ones are appended
 * (bounded) and go nowhere else, so a key seen five times is remediated once, except that a sighting of a key whose
 * remediation FAILED goes on again (the remediator then tries again at once). Remediation outcomes update the
 * incident's status, so a sighting of a key already remediated is recorded as such.
 */
public final class IncidentFolding {

  public static final String STORE = "incidents-store";

  private IncidentFolding() {}

  /** Folds sightings; forwards the first sighting ({@link LeakDetected}) and every incident update ({@link Incident}). */
  public static final class FoldSightings implements Processor<String, LeakDetected, String, SpecificRecord> {
    private final int maxSightings;
    private final io.leakguard.runtime.Metrics metrics;
    private final io.micrometer.core.instrument.Timer latency;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, Incident> incidents;

    public FoldSightings(int maxSightings) {
      this(maxSightings, io.leakguard.runtime.Metrics.none());
    }

    /** @param metrics the sighted-to-detected latency of each leak emitted, and the sightings folded */
    public FoldSightings(int maxSightings, io.leakguard.runtime.Metrics metrics) {
      this.maxSightings = maxSightings;
      this.metrics = metrics;
      this.latency = metrics.stageLatency(io.leakguard.runtime.Metrics.Stage.SIGHTED_DETECTED);
    }

    private void emitted(LeakDetected leak) {
      io.leakguard.runtime.Metrics.observe(latency, leak.getTimeline().getSightedAt(),
          leak.getTimeline().getDetectedAt());
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
      this.context = context;
      this.incidents = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, LeakDetected> record) {
      LeakDetected sighting = io.leakguard.runtime.Inputs.required(record.value(), "sightings");
      Incident known = incidents.get(record.key());
      try (IncidentMdc mdc = IncidentMdc.open(known == null ? sighting.getIncidentId() : known.getIncidentId(),
          sighting.getMaskedKey())) {
        fold(record, sighting, known);
      }
    }

    private void fold(Record<String, LeakDetected> record, LeakDetected sighting, Incident known) {
      if (known == null) {
        Incident opened = Incident.newBuilder()
            .setIncidentId(sighting.getIncidentId())
            .setAccessKeyId(sighting.getAccessKeyId())
            .setMaskedKey(sighting.getMaskedKey())
            .setKind(sighting.getKind())
            .setStatus(IncidentStatus.OPEN)
            .setFirstSightedAt(sighting.getTimeline().getSightedAt())
            .setLastSightedAt(sighting.getTimeline().getSightedAt())
            .setSightingCount(1)
            .setSightings(List.of(entry(sighting, false)))
            .setSecretFingerprints(sighting.getSecretFingerprint() == null ? List.of()
                : List.of(sighting.getSecretFingerprint()))
            .build();
        incidents.put(record.key(), opened);
        context.forward(record.withValue(opened));
        sighting.setSightingCount(1);
        context.forward(record.withValue(sighting));
        emitted(sighting);
        return;
      }
      List<Sighting> recent = new ArrayList<>(known.getSightings());
      recent.add(entry(sighting, known.getStatus() == IncidentStatus.REMEDIATED));
      while (recent.size() > maxSightings) {
        recent.remove(0);
      }
      List<String> fingerprints = new ArrayList<>(known.getSecretFingerprints());
      if (sighting.getSecretFingerprint() != null && !fingerprints.contains(sighting.getSecretFingerprint())
          && fingerprints.size() < maxSightings) {
        fingerprints.add(sighting.getSecretFingerprint());
      }
      Incident updated = Incident.newBuilder(known)
          .setSightingCount(known.getSightingCount() + 1)
          .setLastSightedAt(max(known.getLastSightedAt(), sighting.getTimeline().getSightedAt()))
          .setSightings(recent)
          .setSecretFingerprints(fingerprints)
          .build();
      incidents.put(record.key(), updated);
      context.forward(record.withValue(updated));
      io.micrometer.core.instrument.Counter.builder("leakguard.sightings.folded")
          .description("sightings folded into an incident already open")
          .tag("source", sighting.getSource() == null || sighting.getSource().getType() == null ? "unknown"
              : sighting.getSource().getType().name().toLowerCase(java.util.Locale.ROOT))
          .register(metrics.registry()).increment();
      if (known.getStatus() == IncidentStatus.FAILED) {
        // Its remediation failed, so the key may still work: the new sighting goes on and the remediator tries again.
        sighting.setIncidentId(known.getIncidentId());
        sighting.setSightingCount(updated.getSightingCount());
        context.forward(record.withValue(sighting));
        emitted(sighting);
      }
    }

    private static Sighting entry(LeakDetected sighting, boolean afterRemediation) {
      return Sighting.newBuilder().setSource(sighting.getSource()).setSightedAt(sighting.getTimeline().getSightedAt())
          .setAfterRemediation(afterRemediation).build();
    }

    private static java.time.Instant max(java.time.Instant a, java.time.Instant b) {
      return a.isAfter(b) ? a : b;
    }
  }

  /** Records the remediator's outcome on the incident. */
  public static final class RecordOutcomes implements Processor<String, RemediationOutcome, String, SpecificRecord> {
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, Incident> incidents;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
      this.context = context;
      this.incidents = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, RemediationOutcome> record) {
      io.leakguard.runtime.Inputs.required(record.value(), "remediation.outcomes");
      Incident known = incidents.get(record.key());
      if (known == null) {
        return;
      }
      try (IncidentMdc mdc = IncidentMdc.open(known.getIncidentId(), known.getMaskedKey())) {
        record(record, known);
      }
    }

    private void record(Record<String, RemediationOutcome> record, Incident known) {
      IncidentStatus status = switch (record.value().getStatus()) {
        case ROTATED, NEUTRALIZED -> IncidentStatus.REMEDIATED;
        case ESCALATED, REJECTED -> IncidentStatus.ESCALATED;
        case FAILED -> IncidentStatus.FAILED;
        case SKIPPED -> known.getStatus();
        default -> IncidentStatus.OPEN;
      };
      Incident updated = Incident.newBuilder(known).setStatus(status)
          .setRemediationStatus(record.value().getStatus()).build();
      incidents.put(record.key(), updated);
      context.forward(record.withValue(updated));
    }
  }
}
