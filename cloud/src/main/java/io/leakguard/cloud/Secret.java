package io.leakguard.cloud;

import java.util.Objects;

/**
 * A secret value (an AccessKey secret) that must never reach a log, a topic or a command line. It only leaves this
 * wrapper through {@link #reveal()}, which the code that hands it to KMS calls; {@code toString} never shows it.
 */
public final class Secret {

  private final String value;

  public Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** The plaintext: call it only to hand the value to the cloud. */
  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && java.security.MessageDigest.isEqual(
        s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8), value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
