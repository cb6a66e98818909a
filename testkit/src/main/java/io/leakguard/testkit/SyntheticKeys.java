package io.leakguard.testkit;

import java.security.SecureRandom;

/**
 * Randomly generated AccessKey-shaped values, for the demo fleet and for tests: never real keys, never printed.
 * IDs use the current form ({@code LTAI5t} + 18 alphanumerics, 24 in all), secrets are 30 alphanumerics.
 */
public final class SyntheticKeys {

  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SyntheticKeys() {}

  public static String accessKeyId() {
    return "LTAI5t" + random(18);
  }

  public static String secret() {
    return random(30);
  }

  /** A 16-digit account ID starting with 1, as Alibaba Cloud's are. */
  public static String accountId() {
    StringBuilder id = new StringBuilder("1");
    for (int i = 0; i < 15; i++) {
      id.append(RANDOM.nextInt(10));
    }
    return id.toString();
  }

  public static String random(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
    }
    return text.toString();
  }
}
