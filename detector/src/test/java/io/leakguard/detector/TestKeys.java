package io.leakguard.detector;

import io.leakguard.testkit.SyntheticKeys;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/** Test-time generated STS credentials and encodings; no key is ever written in a test's source. */
final class TestKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private TestKeys() {}

  static String stsId() {
    return SyntheticKeys.stsAccessKeyId();
  }

  /** A security token: {@code CAIS} + the base64 of random bytes, so it has {@code +}, {@code /} and padding. */
  static String securityToken() {
    byte[] bytes = new byte[400];
    RANDOM.nextBytes(bytes);
    String body = Base64.getEncoder().encodeToString(bytes);
    // Make sure the symbols that need escaping in URLs and JSON appear.
    return "CAIS" + body.substring(0, 100) + "+/" + body.substring(100);
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The base64 of {@code text}, with trailing spaces added to the text until the encoding ends with padding. */
  static String paddedBase64(String text) {
    String padded = text.length() % 3 == 0 ? text + " " : text;
    return base64(padded);
  }

  /** Every character as %XX, as an encoder that escapes everything writes it. */
  static String percentEncodeAll(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append('%').append(String.format("%02X", (int) c));
    }
    return out.toString();
  }

  /** Every character as a JSON \\uXXXX escape. */
  static String unicodeEscapeAll(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append("\\u").append(String.format("%04x", (int) c));
    }
    return out.toString();
  }

  static String percentEncode(String text) {
    return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
