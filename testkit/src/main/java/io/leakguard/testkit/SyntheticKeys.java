package io.leakguard.testkit;

import io.leakguard.schemas.KeyPlausibility;
import java.security.SecureRandom;

/**
 * Randomly generated AccessKey-shaped values, for the demo fleet and for tests: never real keys, never printed.
 * IDs use the current form ({@code LTAI5t} + 18 alphanumerics, 24 in all), secrets are 30 alphanumerics.
 *
 * <p>A generated key part that the detector would take for a placeholder ({@code 5ttttt}, {@code DUMMY}: about one
 * value in ten million, see {@link KeyPlausibility}) is drawn again, so that every synthetic key is detectable and a
 * test that counts findings cannot flake on one.
 */
public final class SyntheticKeys {

  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private SyntheticKeys() {}

  public static String accessKeyId() {
    return withPlausibleBody("LTAI5t", 18);
  }

  /** A permanent AccessKey ID of an older form: {@code LTAI} + random alphanumerics, {@code length} in all. */
  public static String accessKeyIdOfLength(int length) {
    return withPlausibleBody("LTAI", length - 4);
  }

  /** An STS AccessKey ID: {@code STS.} + 25 alphanumerics. */
  public static String stsAccessKeyId() {
    return withPlausibleBody("STS.", 25);
  }

  public static String secret() {
    String secret;
    do {
      secret = random(30);
    } while (!KeyPlausibility.isRandomLooking(secret, 0, secret.length())
        || KeyPlausibility.isDocumentationExample(secret));
    return secret;
  }

  /** {@code prefix} + {@code length} random alphanumerics, the part after the four-character key prefix random-looking. */
  private static String withPlausibleBody(String prefix, int length) {
    String key;
    do {
      key = prefix + random(length);
    } while (!KeyPlausibility.isRandomLooking(key, 4, key.length()));
    return key;
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
