package io.leakguard.schemas;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The top-level records that are released and checked for compatibility: every Avro record the topic catalog
 * carries, enumerated from the catalog (a new topic is checked without anyone adding it here), plus the
 * remediator's and the notifier's journals, which live in changelogged state stores rather than on catalog topics.
 */
final class SchemaRegistryOfRecords {

  static final List<Schema> CURRENT = current();

  private SchemaRegistryOfRecords() {}

  private static List<Schema> current() {
    List<Schema> schemas = new ArrayList<>(new TopicCatalog("compat.").avroSchemas());
    schemas.add(RemediationJournal.getClassSchema());
    schemas.add(NotificationJournal.getClassSchema());
    return List.copyOf(schemas);
  }
}
