package io.leakguard.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.JournalStepStatus;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationMode;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStrategy;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/**
 * Records of the versions that held closed sets as strings (RemediationJournal v2, RemediationOutcome v3) read with
 * the current code get the right enums, and current records still carry the strings those versions read.
 */
class LegacyStringFieldsTest {

  private static final Instant DETECTED = Instant.parse("2026-03-01T10:00:00Z");

  private static Schema released(String record, int version) {
    return AvroSerde.releasedSchemas(record).get(version - 1);
  }

  /** The common fields every version requires, in the generic form of the given writer schema. */
  private static GenericRecordBuilder base(Schema writer) {
    Schema source = writer.getField("source").schema();
    Schema owner = writer.getField("owner").schema();
    Schema timeline = writer.getField("timeline").schema();
    return new GenericRecordBuilder(writer)
        .set("incidentId", "inc-v2")
        .set("accessKeyId", "LTAI5tSyntheticTestKey01")
        .set("kind", new GenericData.EnumSymbol(writer.getField("kind").schema(), "RAM_USER_KEY"))
        .set("maskedKey", "LTAI****Key01")
        .set("source", new GenericRecordBuilder(source)
            .set("type", new GenericData.EnumSymbol(source.getField("type").schema(), "SCANNER"))
            .set("location", "repo/.env").build())
        .set("owner", new GenericRecordBuilder(owner).set("accountId", "1000000000000001").set("userName", "alice")
            .build())
        .set("timeline", new GenericRecordBuilder(timeline).set("sightedAt", DETECTED.toEpochMilli())
            .set("detectedAt", DETECTED.toEpochMilli()).build());
  }

  private static byte[] encode(Schema writer, GenericRecord record) throws Exception {
    ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static GenericRecord decodeAs(Schema reader, byte[] bytes) throws Exception {
    BinaryMessageDecoder<GenericRecord> decoder = new BinaryMessageDecoder<>(GenericData.get(), reader);
    AvroSerde.releasedSchemas(reader.getName()).forEach(decoder::addSchema);
    return decoder.decode(bytes);
  }

  @Test
  void shouldReadTheEnumsOfAJournalWrittenByV2FromItsStrings() throws Exception {
    // Given a journal written by v2: a dry run that fell back to revoke-first, one step done and one interrupted
    Schema v2 = released("RemediationJournal", 2);
    Schema step = v2.getField("steps").schema().getElementType();
    GenericRecord journal = base(v2)
        .set("openedAt", DETECTED.toEpochMilli())
        .set("mode", "dry-run").set("strategy", "revoke-first").set("fallback", "escalate")
        .set("steps", List.of(
            new GenericRecordBuilder(step).set("name", "ListAccessKeys").set("startedAt", 1L).set("finishedAt", 2L)
                .set("outcome", "OK").build(),
            new GenericRecordBuilder(step).set("name", "CreateAccessKey").set("startedAt", 3L)
                .set("outcome", "STARTED").build()))
        .build();

    // When the current code reads it from the store
    RemediationJournal read = AvroSerde.of(RemediationJournal.class).deserializer()
        .deserialize("store-changelog", encode(v2, journal));

    // Then the enums say what the strings said
    assertEquals(RemediationMode.DRY_RUN, read.getRemediationMode());
    assertEquals(RemediationStrategy.REVOKE_FIRST, read.getRemediationStrategy());
    assertEquals(RemediationStrategy.ESCALATE, read.getFallbackStrategy());
    assertEquals(List.of(JournalStepStatus.OK, JournalStepStatus.STARTED),
        read.getSteps().stream().map(JournalStep::getStatus).toList());
    assertEquals("inc-v2", read.getIncidentId());
  }

  @Test
  void shouldReadAV2JournalWithTheSchemaDefaultsAsAutoAndRevokeFirst() throws Exception {
    // Given a v2 journal that never set mode or fallback (their defaults: auto, revoke-first)
    Schema v2 = released("RemediationJournal", 2);
    GenericRecord journal = base(v2).set("openedAt", DETECTED.toEpochMilli()).set("strategy", "purge").build();

    RemediationJournal read = AvroSerde.of(RemediationJournal.class).deserializer()
        .deserialize("store-changelog", encode(v2, journal));

    assertEquals(RemediationMode.AUTO, read.getRemediationMode());
    assertEquals(RemediationStrategy.PURGE, read.getRemediationStrategy());
    assertEquals(RemediationStrategy.REVOKE_FIRST, read.getFallbackStrategy());
  }

  @Test
  void shouldWriteTheStringsAV2ReaderUnderstands() throws Exception {
    // Given a current journal that sets only the enums
    RemediationJournal journal = RemediationJournal.newBuilder()
        .setIncidentId("inc-v3").setAccessKeyId("LTAI5tSyntheticTestKey01").setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey("LTAI****Key01")
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("repo/.env").build())
        .setOwner(Owner.newBuilder().build())
        .setTimeline(Timeline.newBuilder().setSightedAt(DETECTED).setDetectedAt(DETECTED).build())
        .setOpenedAt(DETECTED).setPhase(JournalPhase.PENDING)
        .setRemediationMode(RemediationMode.APPROVE).setRemediationStrategy(RemediationStrategy.REPLACE_FIRST)
        .setFallbackStrategy(RemediationStrategy.ESCALATE)
        .setSteps(List.of(JournalStep.newBuilder().setName("FindOwner").setStartedAt(DETECTED)
            .setStatus(JournalStepStatus.FAILED).build()))
        .build();

    // When it is written and read by a remediator of v2 (rolled back)
    byte[] bytes = AvroSerde.of(RemediationJournal.class).serializer().serialize("store-changelog", journal);
    GenericRecord old = decodeAs(released("RemediationJournal", 2), bytes);

    // Then v2 reads the same mode, strategy, fallback and step outcome
    assertEquals("approve", old.get("mode").toString());
    assertEquals("replace-first", old.get("strategy").toString());
    assertEquals("escalate", old.get("fallback").toString());
    assertEquals("FAILED", ((GenericRecord) ((List<?>) old.get("steps")).get(0)).get("outcome").toString());
  }

  @Test
  void shouldReadTheEnumsOfAnOutcomeWrittenByV3FromItsStrings() throws Exception {
    // Given an outcome written by v3
    Schema v3 = released("RemediationOutcome", 3);
    GenericRecord outcome = base(v3)
        .set("status", new GenericData.EnumSymbol(v3.getField("status").schema(), "NEUTRALIZED"))
        .set("strategy", "reincarnate").set("mode", "approve").build();

    // When a current consumer of remediation.outcomes reads it
    RemediationOutcome read = AvroSerde.of(RemediationOutcome.class).deserializer()
        .deserialize("remediation.outcomes", encode(v3, outcome));

    // Then the enums say what the strings said
    assertEquals(RemediationStrategy.REINCARNATE, read.getRemediationStrategy());
    assertEquals(RemediationMode.APPROVE, read.getRemediationMode());
    assertEquals(RemediationStatus.NEUTRALIZED, read.getStatus());
  }

  @Test
  void shouldWriteTheOutcomeStringsAV3ConsumerUnderstands() throws Exception {
    RemediationOutcome outcome = RemediationOutcome.newBuilder()
        .setIncidentId("inc-v4").setAccessKeyId("LTAI5tSyntheticTestKey01").setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey("LTAI****Key01")
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("repo/.env").build())
        .setOwner(Owner.newBuilder().build()).setStatus(RemediationStatus.PLANNED)
        .setTimeline(Timeline.newBuilder().setSightedAt(DETECTED).setDetectedAt(DETECTED).build())
        .setRemediationStrategy(RemediationStrategy.ROTATE_SECRET).setRemediationMode(RemediationMode.DRY_RUN)
        .build();

    byte[] bytes = AvroSerde.of(RemediationOutcome.class).serializer().serialize("remediation.outcomes", outcome);
    GenericRecord old = decodeAs(released("RemediationOutcome", 3), bytes);

    assertEquals("rotate-secret", old.get("strategy").toString());
    assertEquals("dry-run", old.get("mode").toString());
  }

  @Test
  void shouldLeaveAnUnknownV2WordUnsetRatherThanGuess() throws Exception {
    // Given a v2 journal whose strategy is the schema default, the empty string (never a strategy)
    Schema v2 = released("RemediationJournal", 2);
    GenericRecord journal = base(v2).set("openedAt", DETECTED.toEpochMilli()).build();

    RemediationJournal read = AvroSerde.of(RemediationJournal.class).deserializer()
        .deserialize("store-changelog", encode(v2, journal));

    assertNull(read.getRemediationStrategy());
  }
}
