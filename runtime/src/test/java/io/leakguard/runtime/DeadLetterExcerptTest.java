package io.leakguard.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterExcerptTest {

  @Test
  void shouldRedactASecretThatStraddlesTheExcerptCut() {
    String secret = RandomText.of(30);
    for (int offset = 130; offset <= 160; offset++) {
      // Given a payload whose secret starts anywhere across the 160-character cut
      String payload = " ".repeat(offset) + secret + " and more";

      // When its excerpt is taken
      String excerpt = DeadLetters.excerpt(payload.getBytes(StandardCharsets.UTF_8));

      // Then no part of the secret of 8 characters or more survives
      assertTrue(excerpt.length() <= 160);
      for (int i = 0; i + 8 <= secret.length(); i++) {
        assertFalse(excerpt.contains(secret.substring(i, i + 8)), "at offset " + offset + ": " + excerpt);
      }
    }
  }
}
