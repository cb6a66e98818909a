package io.leakguard.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.schemas.edge.RawContent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SerdeTest {

  private final TopicCatalog topics = new TopicCatalog("test.");

  @Test
  void shouldRoundTripAnAvroRecordInSingleObjectEncoding() {
    // Given a leak-detected record
    LeakDetected leak = LeakDetected.newBuilder()
        .setIncidentId("inc-1").setAccessKeyId("LTAI5tSyntheticTestKey01").setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey(KeyForms.mask("LTAI5tSyntheticTestKey01")).setSecretFingerprint(KeyForms.fingerprint("x"))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("repo/file").build())
        .setTimeline(Timeline.newBuilder().setSightedAt(Instant.ofEpochMilli(1000)).setDetectedAt(Instant.ofEpochMilli(1001)).build())
        .build();
    var serde = topics.leaksDetected().valueSerde();

    // When it is written and read back
    byte[] bytes = serde.serializer().serialize("t", leak);

    // Then it carries the single-object header and reads back equal
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    assertEquals(leak, serde.deserializer().deserialize("t", bytes));
  }

  @Test
  void shouldRefuseBytesThatAreNotTheRecordWithoutQuotingThem() {
    var serde = topics.remediationOutcomes().valueSerde();
    byte[] garbage = "LTAI5tSyntheticTestKey01 not avro".getBytes(StandardCharsets.UTF_8);

    SerializationException e = assertThrows(SerializationException.class,
        () -> serde.deserializer().deserialize("t", garbage));
    assertFalse(e.getMessage().contains("LTAI5t"), e.getMessage());
  }

  @Test
  void shouldParseRawContentJsonAndIgnoreUnknownFields() {
    byte[] json = "{\"source\":\"ci\",\"location\":\"build/1\",\"content\":\"hello\",\"extra\":1}"
        .getBytes(StandardCharsets.UTF_8);

    RawContent raw = topics.rawContent().valueSerde().deserializer().deserialize("t", json);

    assertEquals(new RawContent("ci", "build/1", "hello", null), raw);
  }

  @Test
  void shouldRefuseMalformedJsonWithoutQuotingTheToken() {
    byte[] json = "LTAI5tSyntheticTestKey01 is not json".getBytes(StandardCharsets.UTF_8);

    SerializationException e = assertThrows(SerializationException.class,
        () -> topics.rawContent().valueSerde().deserializer().deserialize("t", json));
    assertFalse(e.getMessage().contains("LTAI5t"), e.getMessage());
    assertTrue(e.getMessage().contains("RawContent"));
  }

  @Test
  void shouldRefuseRawContentWithoutContent() {
    byte[] json = "{\"source\":\"ci\"}".getBytes(StandardCharsets.UTF_8);

    assertThrows(SerializationException.class,
        () -> topics.rawContent().valueSerde().deserializer().deserialize("t", json));
  }
}
