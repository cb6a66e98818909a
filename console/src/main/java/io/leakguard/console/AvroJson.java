package io.leakguard.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.IndexedRecord;

/**
 * An Avro record as JSON, field by field as its schema declares them: whatever the records carry is shown, a field
 * added to a schema later included. Timestamps become ISO-8601 instants, enums their symbol. No record of the
 * console's topics carries a secret (they carry fingerprints and masked keys), so nothing is left out.
 */
final class AvroJson {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private AvroJson() {}

  static JsonNode of(Object value) {
    if (value == null) {
      return JSON.nullNode();
    }
    if (value instanceof IndexedRecord record) {
      ObjectNode node = JSON.objectNode();
      for (Schema.Field field : record.getSchema().getFields()) {
        node.set(field.name(), of(record.get(field.pos())));
      }
      return node;
    }
    if (value instanceof Instant instant) {
      return JSON.textNode(instant.toString());
    }
    if (value instanceof CharSequence || value instanceof Enum<?>) {
      return JSON.textNode(value.toString());
    }
    if (value instanceof Boolean b) {
      return JSON.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return JSON.numberNode(i);
    }
    if (value instanceof Long l) {
      return JSON.numberNode(l);
    }
    if (value instanceof Number n) {
      return JSON.numberNode(n.doubleValue());
    }
    if (value instanceof Collection<?> items) {
      ArrayNode array = JSON.arrayNode();
      items.forEach(item -> array.add(of(item)));
      return array;
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode node = JSON.objectNode();
      map.forEach((k, v) -> node.set(String.valueOf(k), of(v)));
      return node;
    }
    if (value instanceof GenericContainer) {
      return JSON.textNode(value.toString()); // an enum symbol or a fixed of a generic record
    }
    if (value instanceof ByteBuffer) {
      return JSON.textNode("(bytes)");
    }
    return JSON.textNode(value.toString());
  }
}
