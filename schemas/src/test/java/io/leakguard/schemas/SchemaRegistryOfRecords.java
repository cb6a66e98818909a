package io.leakguard.schemas;

import java.util.List;
import org.apache.avro.Schema;

/** The top-level records of the catalog: what is released and checked for compatibility. */
final class SchemaRegistryOfRecords {

  static final List<Schema> CURRENT = List.of(
      LeakDetected.getClassSchema(),
      LeakEnriched.getClassSchema(),
      RemediationOutcome.getClassSchema(),
      NotificationOutcome.getClassSchema(),
      ApprovalDecision.getClassSchema(),
      InventoryEntry.getClassSchema(),
      DeadLetter.getClassSchema(),
      Incident.getClassSchema(),
      RemediationJournal.getClassSchema());

  private SchemaRegistryOfRecords() {}
}
