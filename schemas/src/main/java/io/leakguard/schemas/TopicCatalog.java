package io.leakguard.schemas;

import io.leakguard.schemas.edge.GithubSecretScanningAlert;
import io.leakguard.schemas.edge.ManualReport;
import io.leakguard.schemas.edge.RawContent;
import io.leakguard.schemas.edge.SecurityCenterLeakRecord;
import io.leakguard.schemas.serde.AvroSerde;
import io.leakguard.schemas.serde.CloudEvents;
import io.leakguard.schemas.serde.WriterSchemas;
import io.leakguard.schemas.serde.JsonSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Every topic LeakGuard reads or writes, each with its serdes. Names are {@code <prefix><name>}; the prefix comes
 * from configuration (default {@code leakguard.}) so several environments can share one cluster.
 *
 * <p>Edge topics (written by outside systems, JSON, plain or as a CloudEvent): raw content, GitHub alerts, Security Center alerts, manual
 * reports. Internal topics (Avro single-object encoding, keyed by AccessKey ID unless said otherwise): leaks
 * detected, incidents (compacted), leaks enriched, remediation outcomes, notification outcomes, approvals (keyed by
 * incident ID), inventory (compacted), the bridge's source checkpoints (compacted), the detector's probe verdicts
 * (compacted), the remediators' kill switch (control, compacted), and one dead-letter topic per service.
 */
public final class TopicCatalog {

  public static final String DEFAULT_PREFIX = "leakguard.";
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

  private static final Serde<String> KEYS = Serdes.String();

  /**
   * Retention of the edge topics that carry leaked secrets by their nature (raw content; GitHub alerts, which a bridge
   * may enrich with the secret): long enough to reprocess a day, short enough that the secrets do not linger. Applied
   * when LeakGuard creates the topic; an existing topic is left as it is.
   */
  public static final Duration SECRET_BEARING_RETENTION = Duration.ofHours(24);

  /** How long probe verdicts are kept: the longest time-to-live the detector's probe cache can have. */
  public static final int VERDICT_RETENTION_DAYS = 7;

  private final String prefix;
  private final WriterSchemas writers;

  public TopicCatalog(String prefix) {
    this(prefix, WriterSchemas.NONE);
  }

  /** A catalog whose Avro topics also read records written with any schema {@code writers} knows. */
  public TopicCatalog(String prefix, WriterSchemas writers) {
    this.writers = java.util.Objects.requireNonNull(writers, "writers");
    if (prefix == null || !LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "topic prefix '" + prefix + "' may only contain letters, digits, '.', '_' and '-'");
    }
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  public Topic<String, RawContent> rawContent() {
    return secretBearing(edge("raw-content", RawContent.class));
  }

  public Topic<String, GithubSecretScanningAlert> githubAlerts() {
    return secretBearing(edge("alerts.github", GithubSecretScanningAlert.class));
  }

  public Topic<String, SecurityCenterLeakRecord> securityCenterAlerts() {
    return edge("alerts.security-center", SecurityCenterLeakRecord.class);
  }

  public Topic<String, ManualReport> manualReports() {
    return edge("reports.manual", ManualReport.class);
  }

  /** One record per leaked key: the incident's latest state (compacted). */
  public Topic<String, Incident> incidents() {
    return avro("incidents", Incident.class, true);
  }

  public Topic<String, LeakDetected> leaksDetected() {
    return avro("leaks.detected", LeakDetected.class, false);
  }

  public Topic<String, LeakEnriched> leaksEnriched() {
    return avro("leaks.enriched", LeakEnriched.class, false);
  }

  public Topic<String, RemediationOutcome> remediationOutcomes() {
    return avro("remediation.outcomes", RemediationOutcome.class, false);
  }

  public Topic<String, NotificationOutcome> notificationOutcomes() {
    return avro("notification.outcomes", NotificationOutcome.class, false);
  }

  public Topic<String, ApprovalDecision> approvals() {
    return avro("approvals", ApprovalDecision.class, false);
  }

  public Topic<String, InventoryEntry> inventory() {
    return avro("inventory", InventoryEntry.class, true);
  }

  /**
   * The bridge's source checkpoints, compacted, keyed {@code <source>/<account>} (e.g.
   * {@code security-center/1000000000000002}); the value is the source's JSON checkpoint. The bridge is its only
   * writer, in the same transaction as the alerts a checkpoint covers.
   */
  public Topic<String, String> bridgeCheckpoints() {
    return new Topic<>(prefix + "bridge.checkpoints", KEYS, Serdes.String(), true);
  }

  /**
   * The detector's probe verdicts, compacted, keyed {@code <AccessKey ID>/<secret fingerprint>[/<token fingerprint>]}:
   * the last definite answer of the liveness probe for each pair, so a pair sighted again, on any instance or after a
   * restart, is answered without another STS call while the verdict is fresh. Fingerprints only, never a secret; the
   * detector is the only writer. Kept {@value #VERDICT_RETENTION_DAYS} days after their last write (compact and delete),
   * so the topic holds the pairs of the last week, not every pair ever seen.
   */
  public Topic<String, ProbeVerdict> probeVerdicts() {
    Topic<String, ProbeVerdict> topic = avro("probe.verdicts", ProbeVerdict.class, true);
    return new Topic<>(topic.name(), topic.keySerde(), topic.valueSerde(), true,
        Duration.ofDays(VERDICT_RETENTION_DAYS));
  }

  /**
   * The kill switch, compacted, keyed by scope ({@code *} or an account ID): {@link PauseSwitch} records that every
   * remediator reads as a global table. Written by {@code leakguard pause}/{@code resume} and by a remediator whose
   * blast-radius limit pauses an account.
   */
  public Topic<String, PauseSwitch> control() {
    return avro("control", PauseSwitch.class, true);
  }

  /** The dead-letter topic of one service: the service is its only writer. */
  public Topic<String, DeadLetter> deadLetters(String service) {
    if (service == null || service.isBlank() || !LEGAL.matcher(service).matches()) {
      throw new IllegalArgumentException("service name '" + service + "' is not usable in a topic name");
    }
    return avro("dlq." + service, DeadLetter.class, false);
  }

  /**
   * The writer schemas of every producer, compacted and keyed by the schema's single-object fingerprint (16 hex
   * digits); the value is the schema's JSON. Each service publishes its schemas here at start, before it writes, so
   * a consumer not upgraded yet can read what an upgraded producer writes.
   */
  public Topic<String, String> schemas() {
    return new Topic<>(prefix + "schemas", KEYS, Serdes.String(), true);
  }

  /** The Avro record schemas the pipeline's topics carry, each once: what a service publishes to {@link #schemas}. */
  public List<org.apache.avro.Schema> avroSchemas() {
    java.util.Map<String, org.apache.avro.Schema> schemas = new java.util.LinkedHashMap<>();
    for (Topic<?, ?> topic : all(List.of("any"))) {
      if (topic.valueSerde() instanceof AvroSerde<?> avro) {
        schemas.putIfAbsent(avro.writerSchema().getFullName(), avro.writerSchema());
      }
    }
    return List.copyOf(schemas.values());
  }

  /** Every topic of the pipeline, the dead-letter topics of the given services included. */
  public List<Topic<?, ?>> all(List<String> services) {
    List<Topic<?, ?>> topics = new ArrayList<>(List.of(
        rawContent(), githubAlerts(), securityCenterAlerts(), manualReports(), leaksDetected(), incidents(),
        leaksEnriched(),
        remediationOutcomes(), notificationOutcomes(), approvals(), inventory(), schemas(), bridgeCheckpoints(),
        probeVerdicts(), control()));
    services.forEach(service -> topics.add(deadLetters(service)));
    return List.copyOf(topics);
  }

  private static <V> Topic<String, V> secretBearing(Topic<String, V> topic) {
    return new Topic<>(topic.name(), topic.keySerde(), topic.valueSerde(), false, SECRET_BEARING_RETENTION);
  }

  /** An edge topic: its JSON, plain or wrapped in a CloudEvent ({@link CloudEvents}). */
  private <V> Topic<String, V> edge(String name, Class<V> type) {
    return new Topic<>(prefix + name, KEYS, CloudEvents.atTheEdge(JsonSerde.of(type)), false);
  }

  private <V extends org.apache.avro.specific.SpecificRecord> Topic<String, V> avro(
      String name, Class<V> type, boolean compacted) {
    return new Topic<>(prefix + name, KEYS, AvroSerde.of(type, writers), compacted);
  }
}
