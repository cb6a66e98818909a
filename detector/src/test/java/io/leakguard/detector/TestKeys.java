package io.leakguard.detector;

import java.security.SecureRandom;

/** Synthetic, randomly generated credentials for tests: never real, never printed. */
final class TestKeys {

  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  static String accessKeyId() {
    return "LTAI5t" + random(18);
  }

  static String secret() {
    return random(30);
  }

  static String random(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return text.toString();
  }
}
