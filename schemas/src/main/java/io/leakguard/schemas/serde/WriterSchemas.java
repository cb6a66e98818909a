package io.leakguard.schemas.serde;

import org.apache.avro.Schema;

/**
 * Where a reader finds a writer schema it was not built with, by its single-object fingerprint (the 64-bit
 * parsing-form fingerprint in the record's header): a producer upgraded before its consumers writes with a newer
 * schema, and the consumer reads that record through Avro's schema resolution with its own reader schema. The
 * runtime's source is the compacted {@code schemas} topic; {@link #NONE} knows only the released versions.
 */
@FunctionalInterface
public interface WriterSchemas {

  /** No source beyond the released versions shipped in this jar. */
  WriterSchemas NONE = fingerprint -> null;

  /** The writer schema with this fingerprint, or null when it is unknown. */
  Schema find(long fingerprint);
}
