package io.leakguard.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.edge.GithubAlertReference;
import io.leakguard.schemas.edge.ManualReport;
import io.leakguard.schemas.edge.RawContent;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * The edge serde's CloudEvents unwrapping, per the Kafka protocol binding
 * (https://github.com/cloudevents/spec/blob/main/cloudevents/bindings/kafka-protocol-binding.md).
 */
class CloudEventsTest {

  private final TopicCatalog topics = new TopicCatalog("t.");

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldReadPlainJsonAsBeforeWhateverItContains() {
    RawContent plain = topics.rawContent().valueSerde().deserializer().deserialize("t.raw-content",
        new RecordHeaders(), utf8("{\"content\":\"a log saying \\\"specversion\\\": 1\"}"));

    assertEquals("a log saying \"specversion\": 1", plain.content());
  }

  @Test
  void shouldUnwrapAHeaderlessEnvelopeAndBase64Data() {
    // Given the whole event as an EventBridge target forwards it: no headers, data in base64
    String data = Base64.getEncoder().encodeToString(utf8("{\"accessKeyId\":\"LTAI5tAAAAAAAAAAAAAAAAAA\"}"));
    byte[] envelope = utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"acs.eventbridge\","
        + "\"type\":\"io.leakguard.manual-report\",\"aliyunaccountid\":\"1000000000000001\",\"data_base64\":\""
        + data + "\"}");

    ManualReport report = topics.manualReports().valueSerde().deserializer().deserialize("t.reports.manual",
        new RecordHeaders(), envelope);

    assertEquals("LTAI5tAAAAAAAAAAAAAAAAAA", report.accessKeyId());
  }

  @Test
  void shouldRefuseAnEnvelopeInAnotherFormatOrWithoutItsType() {
    RecordHeaders avro = new RecordHeaders();
    avro.add("content-type", utf8("application/cloudevents+avro"));
    RecordHeaders json = new RecordHeaders();
    json.add("content-type", utf8("application/cloudevents+json"));
    var deserializer = topics.rawContent().valueSerde().deserializer();

    var format = assertThrows(SerializationException.class,
        () -> deserializer.deserialize("t.raw-content", avro, utf8("{}")));
    var type = assertThrows(SerializationException.class, () -> deserializer.deserialize("t.raw-content", json,
        utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"data\":{\"content\":\"x\"}}")));
    var notJson = assertThrows(SerializationException.class, () -> deserializer.deserialize("t.raw-content", json,
        utf8("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"s\",\"type\":\"t\","
            + "\"datacontenttype\":\"text/plain\",\"data\":\"x\"}")));

    assertTrue(format.getMessage().contains("other than JSON"), format.getMessage());
    assertTrue(type.getMessage().contains("'type'"), type.getMessage());
    assertTrue(notJson.getMessage().contains("'datacontenttype' is not JSON"), notJson.getMessage());
  }

  @Test
  void shouldAcceptOnlyGithubShapedAlertReferences() {
    assertEquals("octo-org/octo-repo#42", GithubAlertReference.parse("octo-org/octo-repo#42").orElseThrow()
        .toString());
    assertTrue(GithubAlertReference.parse("alert 42").isEmpty());
    assertTrue(GithubAlertReference.parse("a/../b#1").isEmpty());
    assertTrue(GithubAlertReference.parse("evil.example/x#1").isEmpty(), "an owner has no dots");
    assertTrue(GithubAlertReference.parse("o/r?x=1#1").isEmpty());
    assertTrue(GithubAlertReference.of("o/r", 0).isEmpty());
  }
}
