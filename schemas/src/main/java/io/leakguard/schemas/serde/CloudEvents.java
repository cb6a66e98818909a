package io.leakguard.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * CloudEvents 1.0 on the edge topics, in the Kafka protocol binding
 * (https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/kafka-protocol-binding.md), so that a sender
 * such as an Alibaba Cloud EventBridge rule can feed LeakGuard without a translator. A record is read as:
 *
 * <ul>
 *   <li><b>structured mode</b> when its {@code content-type} header starts with {@code application/cloudevents}
 *       (binding §3): the value is the JSON event format's envelope, and its {@code data} (or {@code data_base64}) is
 *       the edge record. Only the JSON event format is read ({@code application/cloudevents+json}).</li>
 *   <li><b>binary mode</b> when it has a {@code ce_specversion} header (binding §3.2): the value is the edge record
 *       as it is, the attributes are the {@code ce_*} headers.</li>
 *   <li>LeakGuard's own addition: a value without those headers whose top-level JSON object has a
 *       {@code specversion} member is read as a structured envelope too, because an EventBridge target that forwards
 *       the whole event writes it without headers.</li>
 *   <li>anything else: the plain edge JSON, exactly as before.</li>
 * </ul>
 *
 * <p>An event must say {@code specversion} 1.0 and carry the required attributes {@code id}, {@code source} and
 * {@code type}, and its data must be JSON ({@code datacontenttype} absent or a JSON media type); otherwise the record
 * is refused with the reason (a dead letter). Any {@code type} is accepted: the topic decides what the data is, and
 * the data is then checked by the edge record's own rules. Refusal messages never quote a value.
 */
public final class CloudEvents {

  public static final String SPEC_VERSION = "1.0";
  public static final String STRUCTURED_JSON = "application/cloudevents+json";
  static final String CONTENT_TYPE = "content-type";
  static final String HEADER_PREFIX = "ce_";

  private CloudEvents() {}

  /** The edge serde: writes as {@code json} does, and unwraps a CloudEvent before {@code json} reads it. */
  public static <T> Serde<T> atTheEdge(Serde<T> json) {
    Deserializer<T> plain = json.deserializer();
    Deserializer<T> unwrapping = new Deserializer<>() {
      @Override
      public T deserialize(String topic, byte[] data) {
        return plain.deserialize(topic, data);
      }

      @Override
      public T deserialize(String topic, Headers headers, byte[] data) {
        return plain.deserialize(topic, unwrap(topic, headers, data));
      }
    };
    return Serdes.serdeFrom(json.serializer(), unwrapping);
  }

  /** The edge record's bytes: the event's data for a CloudEvent, else {@code value} unchanged. */
  public static byte[] unwrap(String topic, Headers headers, byte[] value) {
    String contentType = header(headers, CONTENT_TYPE);
    if (contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
      if (!contentType.trim().toLowerCase(Locale.ROOT).startsWith(STRUCTURED_JSON)) {
        throw malformed(topic, "structured mode in an event format other than JSON (" + STRUCTURED_JSON
            + " is the one read)");
      }
      return structured(topic, readEnvelope(topic, value));
    }
    if (header(headers, HEADER_PREFIX + "specversion") != null) {
      return binary(topic, headers, contentType, value);
    }
    JsonNode envelope = headerlessEnvelope(value);
    return envelope == null ? value : structured(topic, envelope);
  }

  private static byte[] binary(String topic, Headers headers, String contentType, byte[] value) {
    if (!SPEC_VERSION.equals(header(headers, HEADER_PREFIX + "specversion").trim())) {
      throw malformed(topic, "'ce_specversion' is not " + SPEC_VERSION + " (only CloudEvents " + SPEC_VERSION
          + " is read)");
    }
    for (String required : new String[] {"id", "source", "type"}) {
      String attribute = header(headers, HEADER_PREFIX + required);
      if (attribute == null || attribute.isBlank()) {
        throw malformed(topic, "binary mode without the required header 'ce_" + required + "'");
      }
    }
    if (contentType != null && !isJson(contentType)) {
      throw malformed(topic, "binary-mode data whose content-type is not JSON");
    }
    return value;
  }

  private static byte[] structured(String topic, JsonNode envelope) {
    if (!envelope.isObject()) {
      throw malformed(topic, "a structured event that is not a JSON object");
    }
    JsonNode version = envelope.get("specversion");
    if (version == null || !version.isTextual() || !SPEC_VERSION.equals(version.asText())) {
      throw malformed(topic, "'specversion' is missing or not \"" + SPEC_VERSION + "\" (only CloudEvents "
          + SPEC_VERSION + " is read)");
    }
    for (String required : new String[] {"id", "source", "type"}) {
      JsonNode attribute = envelope.get(required);
      if (attribute == null || !attribute.isTextual() || attribute.asText().isBlank()) {
        throw malformed(topic, "a structured event without the required attribute '" + required + "'");
      }
    }
    JsonNode dataContentType = envelope.get("datacontenttype");
    if (dataContentType != null && !dataContentType.isNull()
        && !(dataContentType.isTextual() && isJson(dataContentType.asText()))) {
      throw malformed(topic, "'datacontenttype' is not JSON");
    }
    JsonNode base64 = envelope.get("data_base64");
    if (base64 != null && !base64.isNull()) {
      try {
        return Base64.getDecoder().decode(base64.asText());
      } catch (IllegalArgumentException e) {
        throw malformed(topic, "'data_base64' is not base64");
      }
    }
    JsonNode data = envelope.get("data");
    if (data == null || data.isNull()) {
      throw malformed(topic, "a structured event without 'data'");
    }
    try {
      return JsonSerde.MAPPER.writeValueAsBytes(data);
    } catch (JsonProcessingException e) {
      throw malformed(topic, "its 'data' cannot be written back as JSON");
    }
  }

  private static JsonNode readEnvelope(String topic, byte[] value) {
    if (value == null) {
      throw malformed(topic, "a structured event without a value");
    }
    try {
      return JsonSerde.MAPPER.readTree(value);
    } catch (IOException e) {
      // Jackson's message can quote the offending token, which may be a secret: keep only where it failed.
      String where = e instanceof JsonProcessingException jpe && jpe.getLocation() != null
          ? " at line " + jpe.getLocation().getLineNr() + ", column " + jpe.getLocation().getColumnNr() : "";
      throw malformed(topic, "the envelope is not JSON" + where);
    }
  }

  /** A header-less value whose top-level object has {@code specversion}; null for everything else. */
  private static JsonNode headerlessEnvelope(byte[] value) {
    // Cheap test first: only a value naming the attribute at all is parsed twice.
    if (value == null || !contains(value, "\"specversion\"")) {
      return null;
    }
    try {
      JsonNode node = JsonSerde.MAPPER.readTree(value);
      return node != null && node.isObject() && node.has("specversion") ? node : null;
    } catch (IOException e) {
      return null; // not JSON at all: the edge serde refuses it with its own message
    }
  }

  private static boolean contains(byte[] value, String text) {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    outer:
    for (int i = 0; i + needle.length <= value.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (value[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** {@code application/json}, {@code text/json} or any {@code +json} type, parameters ignored. */
  static boolean isJson(String mediaType) {
    String type = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json") || type.equals("text/json") || type.endsWith("+json");
  }

  /** The last header of that name, matched case-insensitively, as UTF-8; null when absent. */
  static String header(Headers headers, String name) {
    if (headers == null) {
      return null;
    }
    String found = null;
    for (Header header : headers) {
      if (header.key().equalsIgnoreCase(name)) {
        found = header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
      }
    }
    return found;
  }

  private static SerializationException malformed(String topic, String why) {
    return new SerializationException("not a valid CloudEvent on topic " + topic + ": " + why);
  }
}
