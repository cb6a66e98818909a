package io.leakguard.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.leakguard.schemas.serde.AvroSerde;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class SchemaCompatibilityTest {

  @TestFactory
  List<DynamicTest> shouldReadEveryReleasedVersionWithTheCurrentSchema() {
    return SchemaRegistryOfRecords.CURRENT.stream()
        .flatMap(current -> AvroSerde.releasedSchemas(current.getName()).stream()
            .map(released -> DynamicTest.dynamicTest(current.getName() + " reads " + released.getName(), () -> {
              var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
              assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(),
                  current.getName() + " can no longer read a released version: " + result.getResult().getIncompatibilities());
            })))
        .toList();
  }

  /**
   * The other direction, for a rolling upgrade in either order: a consumer still on a released version reads what
   * the current schema writes (it resolves the new writer schema from the schemas topic).
   */
  @TestFactory
  List<DynamicTest> shouldLetEveryReleasedReaderReadTheCurrentSchema() {
    return SchemaRegistryOfRecords.CURRENT.stream()
        .flatMap(current -> AvroSerde.releasedSchemas(current.getName()).stream()
            .map(released -> DynamicTest.dynamicTest(released.getName() + " (released) reads " + current.getName(),
                () -> {
                  var result = SchemaCompatibility.checkReaderWriterCompatibility(released, current);
                  assertEquals(SchemaCompatibilityType.COMPATIBLE, result.getType(), "a consumer on a released "
                      + "version of " + current.getName() + " cannot read the current one: "
                      + result.getResult().getIncompatibilities());
                })))
        .toList();
  }

  @Test
  void shouldCheckEveryRecordTheCatalogCarries() {
    List<String> names = SchemaRegistryOfRecords.CURRENT.stream().map(Schema::getName).toList();
    assertEquals(true, names.containsAll(List.of("LeakDetected", "LeakEnriched", "RemediationOutcome",
        "NotificationOutcome", "ApprovalDecision", "InventoryEntry", "DeadLetter", "Incident", "RemediationJournal")),
        names.toString());
  }

  @Test
  void shouldHaveAReleasedVersionOfEveryRecord() {
    for (Schema current : SchemaRegistryOfRecords.CURRENT) {
      assertFalse(AvroSerde.releasedSchemas(current.getName()).isEmpty(),
          current.getName() + " has no released version: run ReleaseSchemas");
    }
  }

  @Test
  void shouldDetectAnIncompatibleChange() {
    // Given a released schema and a change that adds a field without a default
    Schema released = LeakDetected.getClassSchema();
    Schema changed = new Schema.Parser().parse(released.toString().replace(
        "\"fields\":[", "\"fields\":[{\"name\":\"mandatory\",\"type\":\"string\"},"));

    // When the compatibility of the change is checked, then it is refused
    assertEquals(SchemaCompatibilityType.INCOMPATIBLE,
        SchemaCompatibility.checkReaderWriterCompatibility(changed, released).getType());
  }

  @Test
  void shouldEveryFieldCarryADoc() {
    for (Schema current : SchemaRegistryOfRecords.CURRENT) {
      assertDocumented(current);
    }
  }

  private static void assertDocumented(Schema schema) {
    if (schema.getType() == Schema.Type.UNION) {
      schema.getTypes().forEach(SchemaCompatibilityTest::assertDocumented);
    } else if (schema.getType() == Schema.Type.ARRAY) {
      assertDocumented(schema.getElementType());
    } else if (schema.getType() == Schema.Type.RECORD) {
      for (Schema.Field field : schema.getFields()) {
        assertFalse(field.doc() == null || field.doc().isBlank(), schema.getName() + "." + field.name() + " has no doc");
        assertDocumented(field.schema());
      }
    }
  }
}
