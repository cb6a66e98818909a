package io.leakguard.detector;

import io.leakguard.detector.intake.IncidentFolding;
import io.leakguard.detector.intake.IntakeProcessors;
import io.leakguard.runtime.StoreSerdes;
import io.leakguard.detector.intake.AsyncProber;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.ProbeVerdict;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * Finds leaked credentials in every source and folds all sightings of a key into one incident.
 *
 * <ul>
 *   <li>Inputs (JSON, any key): {@code <prefix>raw-content} ({@code RawContent}), {@code <prefix>alerts.github}
 *       (GitHub {@code secret_scanning_alert}), {@code <prefix>alerts.security-center} (Security Center leak records),
 *       {@code <prefix>reports.manual} ({@code ManualReport}); and {@code <prefix>remediation.outcomes}
 *       ({@link RemediationOutcome}, keyed by AccessKey ID) for incident status.</li>
 *   <li>Internal: repartition topics {@code sightings} and {@code outcomes-by-key} (keyed by AccessKey ID, Avro, never
 *       a secret), the store {@value IncidentFolding#STORE} (AccessKey ID to {@link Incident}), and the stores of
 *       sightings waiting for their probe, {@code pending-probes-content} and {@code pending-probes-github} (input
 *       coordinates and AccessKey ID to {@link LeakDetected}, never a secret).</li>
 *   <li>Probe verdicts: {@code <prefix>probe.verdicts} (compacted, {@link ProbeVerdict} keyed by pair), written by the
 *       probed intakes and read back by every instance as the global store {@value IntakeProcessors#VERDICTS_STORE}:
 *       a pair probed once is not probed again within {@code detector.probe.cache.ttl}, on any instance, across
 *       restarts.</li>
 *   <li>Outputs, keyed by AccessKey ID: {@code <prefix>leaks.detected} ({@link LeakDetected}, the first sighting of
 *       each key only) and {@code <prefix>incidents} ({@link Incident}, compacted, every change).</li>
 *   <li>Dead letters: {@code <prefix>dlq.detector}.</li>
 * </ul>
 *
 * <p>Rule: a key pair found in content is probed for liveness with STS GetCallerIdentity off the stream thread
 * ({@link AsyncProber}: the secret is then dropped; only its SHA-256 fingerprint travels), every sighting is re-keyed by AccessKey ID, and the first
 * sighting of a key opens its incident and goes on to enrichment and remediation; later sightings only update the
 * incident.
 */
public final class DetectorTopology {

  /** Sightings kept per incident; the count keeps growing. */
  public static final int MAX_SIGHTINGS = 20;

  private DetectorTopology() {}

  /** Keeps the global verdict store equal to the compacted topic: the latest verdict per pair, none after a tombstone. */
  private static final class VerdictUpdater implements Processor<String, ProbeVerdict, Void, Void> {
    private KeyValueStore<String, ProbeVerdict> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(IntakeProcessors.VERDICTS_STORE);
    }

    @Override
    public void process(Record<String, ProbeVerdict> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }

  public static Topology build(TopicCatalog topics, Scanner scanner, AsyncProber prober, int partitions) {
    return build(topics, scanner, prober, partitions, io.leakguard.runtime.Metrics.none());
  }

  /** @param metrics the service's meters: sighted-to-detected latency, sightings folded */
  public static Topology build(TopicCatalog topics, Scanner scanner, AsyncProber prober, int partitions,
      io.leakguard.runtime.Metrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, LeakDetected> detected = topics.leaksDetected();
    Topic<String, Incident> incidents = topics.incidents();
    Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IncidentFolding.STORE),
        incidents.keySerde(), StoreSerdes.tolerant(incidents.valueSerde(), IncidentFolding.STORE)));
    for (String pending : new String[] {IntakeProcessors.ScanContent.STORE, IntakeProcessors.GithubAlerts.STORE}) {
      builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(pending),
          org.apache.kafka.common.serialization.Serdes.String(), StoreSerdes.tolerant(detected.valueSerde(), pending)));
    }

    Topic<String, ProbeVerdict> verdicts = topics.probeVerdicts();
    // The durable probe cache: every instance reads all verdicts, written by any instance, kept over restarts.
    builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IntakeProcessors.VERDICTS_STORE),
            verdicts.keySerde(), StoreSerdes.tolerant(verdicts.valueSerde(), IntakeProcessors.VERDICTS_STORE))
            .withLoggingDisabled(),
        verdicts.name(), Consumed.with(verdicts.keySerde(), verdicts.valueSerde()).withName("probe-verdicts-source"),
        () -> new VerdictUpdater());

    KStream<String, SpecificRecord> fromContent = builder.stream(topics.rawContent().name(),
            Consumed.with(topics.rawContent().keySerde(), topics.rawContent().valueSerde()).withName("raw-content-source"))
        .process(() -> new IntakeProcessors.ScanContent(scanner, prober), Named.as("scan-content"),
            IntakeProcessors.ScanContent.STORE);
    KStream<String, SpecificRecord> fromGithub = builder.stream(topics.githubAlerts().name(),
            Consumed.with(topics.githubAlerts().keySerde(), topics.githubAlerts().valueSerde())
                .withName("github-alerts-source"))
        .process(() -> new IntakeProcessors.GithubAlerts(scanner, prober), Named.as("github-alerts"),
            IntakeProcessors.GithubAlerts.STORE);
    KStream<String, SpecificRecord> fromSecurityCenter = builder.stream(topics.securityCenterAlerts().name(),
            Consumed.with(topics.securityCenterAlerts().keySerde(), topics.securityCenterAlerts().valueSerde())
                .withName("security-center-source"))
        .process(IntakeProcessors.SecurityCenterAlerts::new, Named.as("security-center-alerts"));
    KStream<String, SpecificRecord> fromReports = builder.stream(topics.manualReports().name(),
            Consumed.with(topics.manualReports().keySerde(), topics.manualReports().valueSerde())
                .withName("manual-reports-source"))
        .process(IntakeProcessors.ManualReports::new, Named.as("manual-reports"));

    KStream<String, SpecificRecord> intake = fromContent
        .merge(fromGithub, Named.as("merge-github"))
        .merge(fromSecurityCenter, Named.as("merge-security-center"))
        .merge(fromReports, Named.as("merge-manual"));
    intake.filter((key, value) -> value instanceof ProbeVerdict, Named.as("verdicts-only"))
        .mapValues(value -> (ProbeVerdict) value, Named.as("as-verdict"))
        .to(verdicts.name(), Produced.with(verdicts.keySerde(), verdicts.valueSerde()).withName("probe-verdicts-sink"));
    KStream<String, SpecificRecord> folded = intake
        .filter((key, value) -> value instanceof LeakDetected, Named.as("sightings-only"))
        .mapValues(value -> (LeakDetected) value, Named.as("as-sighting"))
        .repartition(Repartitioned.with(detected.keySerde(), detected.valueSerde()).withName("sightings")
            .withNumberOfPartitions(partitions))
        .process(() -> new IncidentFolding.FoldSightings(MAX_SIGHTINGS, metrics), Named.as("fold-sightings"),
            IncidentFolding.STORE);
    KStream<String, SpecificRecord> statuses = builder.stream(outcomes.name(),
            Consumed.with(outcomes.keySerde(), outcomes.valueSerde()).withName("remediation-outcomes-source"))
        // A record without a value is refused here, where the dead letter can name the original record.
        .mapValues(outcome -> io.leakguard.runtime.Inputs.required(outcome, "remediation.outcomes"),
            Named.as("outcome-required"))
        .repartition(Repartitioned.with(outcomes.keySerde(), outcomes.valueSerde()).withName("outcomes-by-key")
            .withNumberOfPartitions(partitions))
        .process(IncidentFolding.RecordOutcomes::new, Named.as("record-outcomes"), IncidentFolding.STORE);

    folded.merge(statuses, Named.as("merge-incident-updates"))
        .split(Named.as("route-"))
        .branch((key, value) -> value instanceof LeakDetected, Branched.withConsumer(leaks -> leaks
            .mapValues(value -> (LeakDetected) value, Named.as("as-leak"))
            .to(detected.name(), Produced.with(detected.keySerde(), detected.valueSerde())
                .withName("leaks-detected-sink")), "leak"))
        .defaultBranch(Branched.withConsumer(updates -> updates
            .mapValues(value -> (Incident) value, Named.as("as-incident"))
            .to(incidents.name(), Produced.with(incidents.keySerde(), incidents.valueSerde())
                .withName("incidents-sink")), "incident"));
    return builder.build();
  }
}
