package io.leakguard.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The two safe forms of a credential that records may carry: a masked AccessKey ID and a secret's fingerprint. */
public final class KeyForms {

  private KeyForms() {}

  /**
   * The AccessKey ID masked for display: its prefix ({@code LTAI} or {@code STS.}) and its last four characters, the
   * rest as {@code *}, same length. Short or unprefixed IDs keep only the last four.
   */
  public static String mask(String accessKeyId) {
    if (accessKeyId == null || accessKeyId.isEmpty()) {
      return "";
    }
    int keepHead = accessKeyId.startsWith("LTAI") || accessKeyId.startsWith("STS.") ? 4 : 0;
    int keepTail = Math.min(4, Math.max(0, accessKeyId.length() - keepHead - 4));
    StringBuilder masked = new StringBuilder(accessKeyId.length());
    masked.append(accessKeyId, 0, keepHead);
    masked.append("*".repeat(accessKeyId.length() - keepHead - keepTail));
    masked.append(accessKeyId, accessKeyId.length() - keepTail, accessKeyId.length());
    return masked.toString();
  }

  /** Lower-case hex SHA-256 of a secret: enough to match sightings of the same secret, useless to an attacker. */
  public static String fingerprint(CharSequence secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(secret.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
