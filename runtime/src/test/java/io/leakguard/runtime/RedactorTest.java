package io.leakguard.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedactorTest {

  private static String random(int length) {
    return SyntheticKeys.random(length);
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
}
