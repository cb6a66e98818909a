package io.leakguard.notifier.channel;

import java.nio.charset.StandardCharsets;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The tests' own HMAC-SHA256, so that a signature is checked against the vendor's formula, not the code under test. */
final class TestHmac {

  private TestHmac() {}

  static byte[] sha256(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  static byte[] sha256(String key, String data) throws Exception {
    return sha256(key.getBytes(StandardCharsets.UTF_8), data.getBytes(StandardCharsets.UTF_8));
  }
}
