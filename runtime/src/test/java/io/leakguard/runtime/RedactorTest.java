package io.leakguard.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedactorTest {

  private static String random(int length) {
    return RandomText.of(length);
  }

  @Test
  void shouldMaskKeyIdsAndRemoveSecrets() {
    String id = "LTAI" + random(20);
    String secret = random(30);

    String redacted = Redactor.redact("Unrecognized token '" + id + "': was expecting " + secret);

    assertFalse(redacted.contains(id));
    assertFalse(redacted.contains(secret));
    assertTrue(redacted.contains("LTAI****"), redacted);
    assertTrue(redacted.contains("[REDACTED]"), redacted);
  }

  @Test
  void shouldLeaveOrdinaryTextAlone() {
    assertEquals("cannot write to leakguard.dlq.detector: timeout after 30000 ms",
        Redactor.redact("cannot write to leakguard.dlq.detector: timeout after 30000 ms"));
  }

  @Test
  void shouldRedactTheWholeCauseChain() {
    String secret = random(30);
    Exception error = new IllegalStateException("outer", new IllegalArgumentException("inner " + secret));

    String described = Redactor.describe(error);

    assertTrue(described.contains("IllegalStateException: outer <- java.lang.IllegalArgumentException: inner"));
    assertFalse(described.contains(secret));
  }

  /** The secret in every encoding that URLs, JSON and HTML apply. */
  private static java.util.List<String> encodings(String secret) {
    StringBuilder percent = new StringBuilder();
    StringBuilder unicode = new StringBuilder();
    StringBuilder html = new StringBuilder();
    for (char c : secret.toCharArray()) {
      percent.append(String.format("%%%02X", (int) c));
      unicode.append(String.format("\\u%04x", (int) c));
      html.append("&#").append((int) c).append(';');
    }
    String twice = percent.toString().replace("%", "%25");
    String base64 = java.util.Base64.getEncoder().encodeToString(secret.getBytes());
    return java.util.List.of(secret, percent.toString(), unicode.toString(), html.toString(), twice, base64);
  }

  @Test
  void shouldRedactAFieldsSecretInEveryEncoding() {
    String id = "LTAI" + random(20);
    String secret = random(30);
    for (String encoded : encodings(secret)) {
      // Given a proxy log URL with the pair in its query, the secret encoded
      String url = "https://bucket.oss.example/obj?OSSAccessKeyId=" + id + "&AccessKeySecret=" + encoded + "&x=1";

      // When it is made safe as a location
      String safe = Redactor.field(url, 1024);

      // Then neither the ID nor the secret survives, in any form, and the host is still readable
      for (String form : encodings(secret)) {
        assertFalse(safe.contains(form), safe);
      }
      assertFalse(safe.contains(id), safe);
      assertTrue(safe.startsWith("https://bucket.oss.example/obj?"), safe);
    }
  }

  @Test
  void shouldRedactASecretThatStraddlesTheCut() {
    String secret = random(30);
    String text = "x".repeat(5) + " ".repeat(90) + secret + " tail";

    String safe = Redactor.field(text, 110);

    assertTrue(safe.length() <= 110, safe);
    for (int cut = 10; cut <= 30; cut++) {
      assertFalse(safe.contains(secret.substring(0, cut)), "a prefix of " + cut + " characters survived: " + safe);
    }
  }

  @Test
  void shouldCutLongFieldsAndRemoveControlCharacters() {
    String safe = Redactor.field("line one\nline two\u0000" + "a b ".repeat(1000), 64);

    assertEquals(64, safe.length());
    assertTrue(safe.startsWith("line one line two "), safe);
    assertTrue(safe.endsWith("…"), safe);
  }
}
