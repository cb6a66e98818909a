package io.leakguard.cloud;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Random AccessKey-shaped values that exist nowhere: the pair a warm-up call probes at start, and the keys of the
 * demo's synthetic fleet. Never a real key; never printed. (Tests use {@code io.leakguard.testkit.SyntheticKeys}.)
 */
public final class RandomCredentials {

  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomCredentials() {}

  /** {@code LTAI5t} + 18 upper-case hex digits: the current ID form, 24 characters. */
  public static String accessKeyId() {
    return "LTAI5t" + hex(9).toUpperCase(java.util.Locale.ROOT);
  }

  /** 30 hex digits, the length of an AccessKey secret. */
  public static String secret() {
    return hex(15);
  }

  /** A 16-digit account ID starting with 1, as Alibaba Cloud's are. */
  public static String accountId() {
    return "1" + String.format("%015d", Math.floorMod(RANDOM.nextLong(), 1_000_000_000_000_000L));
  }

  /** {@code bytes} random bytes as lower-case hex: a bearer token for local use. */
  public static String hex(int bytes) {
    byte[] random = new byte[bytes];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
