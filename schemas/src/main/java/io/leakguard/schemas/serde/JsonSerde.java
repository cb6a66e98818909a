package io.leakguard.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON for the edge topics that outside systems write (raw content, GitHub and Security Center alerts): they emit
 * JSON, not Avro. Unknown fields are ignored so that a sender adding fields never breaks intake.
 */
public final class JsonSerde<T> implements Serde<T> {

  /** Shared and immutable once built; configured once here so every edge topic parses the same way. */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private final Class<T> type;

  private JsonSerde(Class<T> type) {
    this.type = type;
  }

  public static <T> JsonSerde<T> of(Class<T> type) {
    return new JsonSerde<>(Objects.requireNonNull(type, "type"));
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> {
      if (value == null) {
        return null;
      }
      try {
        return MAPPER.writeValueAsBytes(value);
      } catch (JsonProcessingException e) {
        throw new SerializationException("cannot write " + type.getSimpleName() + " as JSON", e);
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
        T value = MAPPER.readValue(bytes, type);
        if (value == null) {
          throw new SerializationException("JSON null is not a " + type.getSimpleName() + " on topic " + topic);
        }
        return value;
      } catch (IOException e) {
        // Jackson's message can quote the offending token, which may be a secret: keep only where it failed.
        String where = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
            ? " at line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr()
            : "";
        // A record's own rules (EdgeLimits) explain themselves without quoting the value: keep their message.
        String rule = e instanceof ValueInstantiationException && e.getCause() instanceof IllegalArgumentException
            ? ": " + e.getCause().getMessage() : "";
        throw new SerializationException(
            "not a valid " + type.getSimpleName() + " JSON document on topic " + topic + where
                + " (" + e.getClass().getSimpleName() + rule + ")");
      }
    };
  }
}
