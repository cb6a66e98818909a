package io.leakguard.detector.intake;

import io.leakguard.detector.Finding;
import io.leakguard.detector.Scanner;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.edge.GithubSecretScanningAlert;
import io.leakguard.schemas.edge.ManualReport;
import io.leakguard.schemas.edge.RawContent;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
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

  private IntakeProcessors() {}

  /** Shared plumbing: the input's coordinates (for stable incident IDs) and the clock. */
  private abstract static class Intake<V> implements Processor<String, V, String, LeakDetected> {
    ProcessorContext<String, LeakDetected> context;

    @Override
    public void init(ProcessorContext<String, LeakDetected> context) {
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

  /** Raw content: every AccessKey ID found with its secret; an ID without a secret is no usable credential. */
  public static final class ScanContent extends Intake<RawContent> {
    private final Scanner scanner;
    private final LivenessProbe probe;

    public ScanContent(Scanner scanner, LivenessProbe probe) {
      this.scanner = scanner;
      this.probe = probe;
    }

    @Override
    void handle(Record<String, RawContent> record) {
      RawContent content = record.value();
      String coordinates = coordinates(record);
      Instant detectedAt = now();
      for (Finding finding : scanner.scan(content.content())) {
        if (!finding.secretFound()) {
          continue;
        }
        LivenessProbe.Liveness live = probe.probe(finding.accessKeyId(), finding.secret(), finding.securityToken());
        emit(Sightings.sighting(finding.accessKeyId(), Sightings.kindOf(finding.accessKeyId(), live.identity()),
            finding.secretFingerprint(), Sightings.source(LeakSourceType.SCANNER,
                Sightings.label(content.source()) + ":" + content.location(), finding.line(), content.reference()),
            coordinates, Instant.ofEpochMilli(record.timestamp()), detectedAt, live), record.timestamp());
      }
    }
  }

  /**
   * GitHub secret scanning: acts on {@code created}, {@code publicly_leaked} and {@code reopened} alerts of the
   * Alibaba Cloud types. The webhook carries no secret; a sender that adds the REST alert's {@code secret} gives the
   * key ID (and, for a pair, the secret, which is probed and dropped).
   */
  public static final class GithubAlerts extends Intake<GithubSecretScanningAlert> {
    static final Set<String> ACTIONS = Set.of("created", "publicly_leaked", "reopened");
    static final Set<String> TYPES = Set.of("alibaba_cloud_access_key_id", "alibaba_cloud_access_key_secret");
    private final Scanner scanner;
    private final LivenessProbe probe;

    public GithubAlerts(Scanner scanner, LivenessProbe probe) {
      this.scanner = scanner;
      this.probe = probe;
    }

    @Override
    void handle(Record<String, GithubSecretScanningAlert> record) {
      GithubSecretScanningAlert event = record.value();
      var alert = event.alert();
      if (alert == null || event.action() == null || !ACTIONS.contains(event.action().toLowerCase(Locale.ROOT))
          || alert.secretType() == null || !TYPES.contains(alert.secretType())) {
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
      boolean any = false;
      for (Finding finding : scanner.scan(alert.secret())) {
        any = true;
        LivenessProbe.Liveness live = finding.secretFound()
            ? probe.probe(finding.accessKeyId(), finding.secret(), finding.securityToken())
            : LivenessProbe.Liveness.UNKNOWN;
        emit(Sightings.sighting(finding.accessKeyId(), Sightings.kindOf(finding.accessKeyId(), live.identity()),
            finding.secretFingerprint(), Sightings.source(LeakSourceType.GITHUB, location, null,
                "alert " + alert.number()), coordinates(record), Instant.ofEpochMilli(record.timestamp()),
            detectedAt, live), record.timestamp());
      }
      if (!any) {
        LOG.warn("GitHub alert {} of {} holds no AccessKey ID (a secret-only alert): cannot tell which key leaked",
            alert.number(), repository);
      }
    }
  }

  /** Security Center AccessKey-leak records: the ID and where Security Center found it. */
  public static final class SecurityCenterAlerts extends Intake<SecurityCenterLeakRecord> {
    @Override
    void handle(Record<String, SecurityCenterLeakRecord> record) {
      SecurityCenterLeakRecord leak = record.value();
      if ("dealed".equalsIgnoreCase(leak.dealType()) || "yes".equalsIgnoreCase(leak.whitelistStatus())) {
        return;
      }
      String location = leak.url() != null ? leak.url()
          : (leak.githubRepoName() == null ? leak.asset() : "github.com/" + leak.githubRepoName() + "/"
              + leak.githubFileName());
      emit(Sightings.sighting(leak.accesskeyId(), Sightings.kindOf(leak.accesskeyId(), null), null,
          Sightings.source(LeakSourceType.SECURITY_CENTER, location, null,
              leak.id() == null ? null : "leak record " + leak.id()),
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
