package io.leakguard.detector;

import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.RawContent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scans raw content for leaked AccessKey pairs.
 *
 * <ul>
 *   <li>Input: {@code <prefix>raw-content}, key: anything (String), value: {@link RawContent} JSON.</li>
 *   <li>Output: {@code <prefix>leaks.detected}, key: AccessKey ID, value: {@link LeakDetected} (Avro).</li>
 *   <li>Dead letters: {@code <prefix>dlq.detector} (malformed JSON, failures).</li>
 * </ul>
 *
 * <p>Rule: every AccessKey ID found with a secret next to it becomes one leak-detected record carrying the
 * secret's SHA-256 fingerprint, never the secret. An ID with no secret near it is not a usable credential and is
 * not reported. The incident ID is derived from the input record's coordinates, so a reprocessed record yields the
 * same incident.
 */
public final class DetectorTopology {

  private DetectorTopology() {}

  public static Topology build(TopicCatalog topics, Scanner scanner) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, RawContent> raw = topics.rawContent();
    Topic<String, LeakDetected> detected = topics.leaksDetected();
    builder.stream(raw.name(), Consumed.with(raw.keySerde(), raw.valueSerde()).withName("raw-content-source"))
        .process(() -> new ScanProcessor(scanner), org.apache.kafka.streams.kstream.Named.as("scan"))
        .to(detected.name(), Produced.with(detected.keySerde(), detected.valueSerde()).withName("leaks-detected-sink"));
    return builder.build();
  }

  /** Scans one record and forwards one leak per paired AccessKey ID, re-keyed by the ID. */
  static final class ScanProcessor implements Processor<String, RawContent, String, LeakDetected> {
    private final Scanner scanner;
    private ProcessorContext<String, LeakDetected> context;

    ScanProcessor(Scanner scanner) {
      this.scanner = scanner;
    }

    @Override
    public void init(ProcessorContext<String, LeakDetected> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, RawContent> record) {
      RawContent content = record.value();
      String coordinates = context.recordMetadata()
          .map(m -> m.topic() + "/" + m.partition() + "/" + m.offset())
          .orElse("unknown/" + record.timestamp());
      Instant detectedAt = Instant.ofEpochMilli(context.currentSystemTimeMs());
      for (Finding finding : scanner.scan(content.content())) {
        if (!finding.secretFound()) {
          continue;
        }
        String incidentId = UUID.nameUUIDFromBytes(
            (coordinates + "/" + finding.accessKeyId()).getBytes(StandardCharsets.UTF_8)).toString();
        LeakDetected leak = LeakDetected.newBuilder()
            .setIncidentId(incidentId)
            .setAccessKeyId(finding.accessKeyId())
            .setKind(finding.kind())
            .setMaskedKey(KeyForms.mask(finding.accessKeyId()))
            .setSecretFingerprint(finding.secretFingerprint())
            .setSource(SourceLocation.newBuilder()
                .setType(LeakSourceType.SCANNER)
                .setLocation(content.source() + ":" + content.location())
                .setLine(finding.line())
                .setReference(content.reference())
                .build())
            .setTimeline(Timeline.newBuilder()
                .setSightedAt(Instant.ofEpochMilli(record.timestamp()))
                .setDetectedAt(detectedAt)
                .build())
            .build();
        context.forward(new Record<>(finding.accessKeyId(), leak, record.timestamp()));
      }
    }
  }
}
