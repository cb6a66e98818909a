package io.leakguard.schemas.serde;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (a 10-byte header with the writer schema's fingerprint, then the binary body), so no
 * schema-registry server is needed. The decoder knows every released version of the schema, read from
 * {@code /io/leakguard/schemas/released/<Record>/v1.avsc, v2.avsc, ...}, so records written by any released
 * version stay readable, and so do records of a newer producer whose schema {@link WriterSchemas} finds. Where a closed set moved from a string field to an enum field, {@link LegacyStringFields}
 * keeps both readable both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final Class<T> type;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final UnaryOperator<T> beforeWrite;
  private final UnaryOperator<T> afterRead;

  private AvroSerde(Class<T> type, WriterSchemas writers) {
    this.type = type;
    this.beforeWrite = LegacyStringFields.beforeWrite(type);
    this.afterRead = LegacyStringFields.afterRead(type);
    SpecificData model = SpecificData.getForClass(type);
    Schema current = model.getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(model, current);
    // Released versions first; a fingerprint none of them has is asked of the writer schemas (a newer producer's).
    this.decoder = new BinaryMessageDecoder<>(model, current, writers::find);
    for (Schema released : releasedSchemas(current.getName())) {
      decoder.addSchema(released);
    }
  }

  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return of(type, WriterSchemas.NONE);
  }

  /** A serde that also reads records written with any schema {@code writers} knows (a newer producer's). */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type, WriterSchemas writers) {
    return new AvroSerde<>(Objects.requireNonNull(type, "type"), Objects.requireNonNull(writers, "writers"));
  }

  /** The schema this serde writes with. */
  public Schema writerSchema() {
    return SpecificData.getForClass(type).getSchema(type);
  }

  /** The released versions of a record schema, oldest first; empty when none was released yet. */
  public static List<Schema> releasedSchemas(String recordName) {
    List<Schema> versions = new ArrayList<>();
    for (int version = 1; ; version++) {
      String resource = "/io/leakguard/schemas/released/" + recordName + "/v" + version + ".avsc";
      try (InputStream in = AvroSerde.class.getResourceAsStream(resource)) {
        if (in == null) {
          return versions;
        }
        versions.add(new Schema.Parser().parse(in));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read released schema " + resource, e);
      }
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, record) -> {
      if (record == null) {
        return null;
      }
      try {
        ByteBuffer buffer = encoder.encode(beforeWrite.apply(record));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return RecordSize.check(topic, bytes);
      } catch (SerializationException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new SerializationException("cannot encode " + type.getSimpleName() + " for topic " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return afterRead.apply(decoder.decode(bytes));
      } catch (IOException | RuntimeException e) {
        // The message names the type and the cause class only: the bytes may be anything, secrets included.
        throw new SerializationException(
            "not a " + type.getSimpleName() + " in Avro single-object encoding on topic " + topic
                + " (" + e.getClass().getSimpleName() + ")");
      }
    };
  }
}
