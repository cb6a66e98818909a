package io.leakguard.detector.intake;

import io.leakguard.detector.Finding;
import io.leakguard.detector.Scanner;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.runtime.OnDemandPunctuation;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.ProbeVerdict;
import io.leakguard.schemas.edge.GithubSecretScanningAlert;
import io.leakguard.schemas.edge.ManualReport;
import io.leakguard.schemas.edge.RawContent;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import java.util.Locale;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One processor per intake. Each turns what its source emits into sightings keyed by AccessKey ID. Secrets exist
 * here only in memory, for the liveness probe: a sighting carries the secret's fingerprint and nothing else.
 */
public final class IntakeProcessors {

  private static final Logger LOG = LoggerFactory.getLogger(IntakeProcessors.class);
  /** How often waiting sightings are checked for their probe's answer. */
  static final Duration PUNCTUATION = Duration.ofMillis(10);

  private IntakeProcessors() {}

  /**
   * The global store of probe verdicts (pair key to {@link ProbeVerdict}), read from the compacted
   * {@code probe.verdicts} topic that the probed intakes write.
   */
  public static final String VERDICTS_STORE = "probe-verdicts";

  /**
   * Shared plumbing: the input's coordinates (for stable incident IDs) and the clock. Intakes forward sightings
   * ({@link LeakDetected}, keyed by AccessKey ID) and, the probed ones, verdicts ({@link ProbeVerdict}, keyed by pair).
   */
  private abstract static class Intake<V> implements Processor<String, V, String, SpecificRecord> {
    ProcessorContext<String, SpecificRecord> context;

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
      this.context = context;
    }

    String coordinates(Record<String, V> record) {
      return context.recordMetadata().map(m -> m.topic() + "/" + m.partition() + "/" + m.offset())
          .orElse("unknown/" + record.timestamp());
    }

    Instant now() {
      return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    /** A record without a value (a tombstone, an empty message) is refused: it goes to the dead-letter topic. */
    @Override
    public final void process(Record<String, V> record) {
      if (record.value() == null) {
        throw new IllegalArgumentException("a record without a value (null or empty) on an intake topic");
      }
      handle(record);
    }

    abstract void handle(Record<String, V> record);

    void emit(LeakDetected sighting, long timestamp) {
      context.forward(new Record<>(sighting.getAccessKeyId(), sighting, timestamp));
    }
  }

  /**
   * An intake whose pairs are probed off the stream thread. A sighting waiting for its probe is kept in a
   * changelogged store (without the secret) in the same transaction as the input's offset, and forwarded by a
   * wall-clock punctuator when the answer arrives; so a crash loses no sighting: a restarted task forwards what it finds
   * waiting as UNREACHABLE (the secret, only ever in memory, is gone with the crash).
   */
  abstract static class ProbedIntake<V> extends Intake<V> {
    private record Answer(String key, String pair, ProbeVerdict.Builder verdict, LivenessProbe.Liveness live) {}

    /** Verdicts this task wrote lately (pair to probe time), so an answer reused from the cache is not written again. */
    private static final int WRITTEN_ENTRIES = 10_000;

    private final String storeName;
    final AsyncProber prober;
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Set<String> waiting = new HashSet<>();
    private final Map<String, Long> written = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > WRITTEN_ENTRIES;
      }
    };
    private KeyValueStore<String, LeakDetected> pending;
    private KeyValueStore<String, ProbeVerdict> verdicts;
    private boolean recovered;
    private OnDemandPunctuation punctuation;

    ProbedIntake(String storeName, AsyncProber prober) {
      this.storeName = storeName;
      this.prober = prober;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
      super.init(context);
      pending = context.getStateStore(storeName);
      verdicts = context.getStateStore(VERDICTS_STORE);
      // Only while sightings wait (and once at start, to forward those a crash left waiting).
      punctuation = new OnDemandPunctuation(context, PUNCTUATION, this::drain);
      punctuation.awake();
    }

    /** Emits the sighting now when no secret was found, else once the pair is probed. */
    void probeThenEmit(String source, String coordinates, Finding finding, LeakDetected sighting) {
      if (!finding.secretFound()) {
        emit(sighting, sighting.getTimeline().getSightedAt().toEpochMilli());
        return;
      }
      String key = coordinates + "/" + finding.accessKeyId();
      if (!waiting.add(key)) {
        return; // the same ID twice in one record: one sighting
      }
      String pair = AsyncProber.pairKey(finding.accessKeyId(), finding.secret(), finding.securityToken());
      ProbeVerdict known = verdicts.get(pair);
      if (known != null && prober.fresh(known.getProbedAt().toEpochMilli(), prober.now())) {
        // Probed before, by any instance, before or after a restart: STS is not asked again.
        emit(Sightings.probed(sighting, Verdicts.liveness(known)), sighting.getTimeline().getSightedAt().toEpochMilli());
        return;
      }
      pending.put(key, sighting);
      punctuation.awake();
      // The prober's worker takes the incident from this thread's MDC.
      try (IncidentMdc mdc = IncidentMdc.open(sighting.getIncidentId(), sighting.getMaskedKey())) {
        prober.probe(source, coordinates, finding.accessKeyId(), finding.secret(), finding.securityToken(),
            live -> answers.add(new Answer(key, pair, Verdicts.of(finding), live)));
      }
    }

    /**
     * Writes a definite answer to the verdicts topic once per probe: not when this task wrote it already, nor when the
     * store holds it or a later one (an answer the prober reused from its cache).
     */
    private void remember(Answer answer, long timestamp) {
      LivenessProbe.Liveness live = answer.live();
      if (!live.definite() || live.probedAt() == 0) {
        return;
      }
      Long last = written.get(answer.pair());
      ProbeVerdict stored = verdicts.get(answer.pair());
      if ((last != null && last >= live.probedAt())
          || (stored != null && stored.getProbedAt().toEpochMilli() >= live.probedAt())) {
        return;
      }
      written.put(answer.pair(), live.probedAt());
      context.forward(new Record<>(answer.pair(), Verdicts.with(answer.verdict(), live), timestamp));
    }

    /** Forwards every sighting whose probe answered; after a restart, the sightings left waiting. */
    void drain() {
      if (!recovered) {
        recovered = true;
        List<String> orphans = new ArrayList<>();
        try (KeyValueIterator<String, LeakDetected> all = pending.all()) {
          all.forEachRemaining(entry -> {
            if (!waiting.contains(entry.key)) {
              orphans.add(entry.key);
            }
          });
        }
        for (String key : orphans) {
          LeakDetected sighting = pending.delete(key);
          if (sighting == null) {
            continue; // a changelog entry nobody can read (StoreSerdes): dropped, never fatal
          }
          try (IncidentMdc mdc = IncidentMdc.open(sighting.getIncidentId(), sighting.getMaskedKey())) {
            LOG.info("a sighting of {} was waiting for its probe when the detector stopped: forwarded as unreachable",
                sighting.getMaskedKey());
          }
          emit(Sightings.probed(sighting, LivenessProbe.Liveness.UNREACHABLE),
              sighting.getTimeline().getSightedAt().toEpochMilli());
        }
      }
      Answer answer;
      while ((answer = answers.poll()) != null) {
        waiting.remove(answer.key());
        LeakDetected sighting = pending.delete(answer.key());
        if (sighting != null) {
          long timestamp = sighting.getTimeline().getSightedAt().toEpochMilli();
          remember(answer, timestamp);
          emit(Sightings.probed(sighting, answer.live()), timestamp);
        }
      }
      if (waiting.isEmpty()) {
        punctuation.sleep();
      }
    }
  }

  /** Raw content: every AccessKey ID found with its secret; an ID without a secret is no usable credential. */
  public static final class ScanContent extends ProbedIntake<RawContent> {
    public static final String STORE = "pending-probes-content";
    private final Scanner scanner;

    public ScanContent(Scanner scanner, AsyncProber prober) {
      super(STORE, prober);
      this.scanner = scanner;
    }

    @Override
    void handle(Record<String, RawContent> record) {
      RawContent content = record.value();
      String coordinates = coordinates(record);
      Instant detectedAt = now();
      String source = Sightings.label(content.source());
      for (Finding finding : scanner.scan(content.content())) {
        if (!finding.secretFound()) {
          continue;
        }
        probeThenEmit(source, coordinates, finding, Sightings.sighting(finding.accessKeyId(),
            Sightings.kindOf(finding.accessKeyId(), null), finding.secretFingerprint(),
            Sightings.source(LeakSourceType.SCANNER, source + ":" + content.location(), finding.line(),
                content.reference()),
            coordinates, Instant.ofEpochMilli(record.timestamp()), detectedAt, LivenessProbe.Liveness.UNKNOWN));
      }
      drain();
    }
  }

  /**
   * GitHub secret scanning: acts on {@code created}, {@code publicly_leaked}, {@code reopened} and {@code validated}
   * (the validity check changed: still a sighting of the key) alerts of the Alibaba Cloud types. The webhook carries no
   * secret; a sender that adds the REST alert's {@code secret} gives the key ID (and, for a pair, the secret, which is
   * probed and dropped). The sighting's reference names the alert ({@code owner/repo#number}), so the bridge can
   * resolve it once the key is remediated.
   */
  public static final class GithubAlerts extends ProbedIntake<GithubSecretScanningAlert> {
    public static final String STORE = "pending-probes-github";
    static final Set<String> ACTIONS = Set.of("created", "publicly_leaked", "reopened", "validated");
    static final Set<String> TYPES = Set.of("alibaba_cloud_access_key_id", "alibaba_cloud_access_key_secret");
    private final Scanner scanner;

    public GithubAlerts(Scanner scanner, AsyncProber prober) {
      super(STORE, prober);
      this.scanner = scanner;
    }

    @Override
    void handle(Record<String, GithubSecretScanningAlert> record) {
      GithubSecretScanningAlert event = record.value();
      var alert = event.alert();
      if (!ACTIONS.contains(event.action().toLowerCase(Locale.ROOT))
          || alert.secretType() == null || !TYPES.contains(alert.secretType())) {
        LOG.debug("GitHub alert {} skipped: action {} or type {} is not a new Alibaba Cloud leak", alert.number(),
            Sightings.label(event.action()), Sightings.label(alert.secretType()));
        return;
      }
      String repository = event.repository() == null || event.repository().fullName() == null ? "unknown"
          : Sightings.label(event.repository().fullName());
      String location = "github.com/" + repository + (alert.htmlUrl() == null ? "" : " " + alert.htmlUrl());
      if (alert.secret() == null || alert.secret().isBlank()) {
        LOG.warn("GitHub alert {} of {} carries no secret value: cannot tell which key leaked; enrich the webhook "
            + "with the REST alert's secret", alert.number(), repository);
        return;
      }
      Instant detectedAt = now();
      String coordinates = coordinates(record);
      boolean any = false;
      for (Finding finding : scanner.scan(alert.secret())) {
        any = true;
        probeThenEmit("github/" + repository, coordinates, finding, Sightings.sighting(finding.accessKeyId(),
            Sightings.kindOf(finding.accessKeyId(), null), finding.secretFingerprint(),
            Sightings.githubSource(location, event.repository() == null ? null : event.repository().fullName(),
                alert.number()), coordinates,
            Instant.ofEpochMilli(record.timestamp()), detectedAt, LivenessProbe.Liveness.UNKNOWN));
      }
      if (!any) {
        LOG.warn("GitHub alert {} of {} holds no AccessKey ID (a secret-only alert): cannot tell which key leaked",
            alert.number(), repository);
      }
      drain();
    }
  }

  /**
   * Security Center AccessKey-leak records: the ID and where Security Center found it. The reference names the record
   * and, when the record carries it, its account ({@code leak record 7 in account 1000000000000002}), which is what
   * the bridge needs to mark the record handled.
   */
  public static final class SecurityCenterAlerts extends Intake<SecurityCenterLeakRecord> {
    static final Set<String> HANDLED = Set.of("dealed", "manual", "disable", "add-whitelist");

    @Override
    void handle(Record<String, SecurityCenterLeakRecord> record) {
      SecurityCenterLeakRecord leak = record.value();
      // DealType is "pending" until the record is handled, then manual, disable or add-whitelist ("dealed" is the
      // record's Status, kept here for records written with it).
      if (HANDLED.contains(leak.dealType() == null ? "" : leak.dealType().toLowerCase(Locale.ROOT))
          || "yes".equalsIgnoreCase(leak.whitelistStatus())) {
        return;
      }
      String location = leak.url() != null ? leak.url()
          : (leak.githubRepoName() == null ? leak.asset() : "github.com/" + leak.githubRepoName() + "/"
              + leak.githubFileName());
      emit(Sightings.sighting(leak.accesskeyId(), Sightings.kindOf(leak.accesskeyId(), null), null,
          Sightings.source(LeakSourceType.SECURITY_CENTER, location, null,
              leak.reference().map(SecurityCenterLeakRecord.Reference::text).orElse(null)),
          coordinates(record), Instant.ofEpochMilli(record.timestamp()), now(), LivenessProbe.Liveness.UNKNOWN),
          record.timestamp());
    }
  }

  /** Manual reports from people and SOC tools. */
  public static final class ManualReports extends Intake<ManualReport> {
    @Override
    void handle(Record<String, ManualReport> record) {
      ManualReport report = record.value();
      String id = report.accessKeyId();
      emit(Sightings.sighting(id, Sightings.kindOf(id, null), null,
          Sightings.source(LeakSourceType.MANUAL, "reported by " + (report.reporter() == null ? "unknown"
              : Sightings.label(report.reporter())), null, report.reason()),
          coordinates(record), Instant.ofEpochMilli(record.timestamp()), now(), LivenessProbe.Liveness.UNKNOWN),
          record.timestamp());
    }
  }
}
