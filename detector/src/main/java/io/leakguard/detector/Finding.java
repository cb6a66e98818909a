package io.leakguard.detector;

import io.leakguard.schemas.CredentialKind;

/**
 * One credential found in content. Holds the secret's fingerprint, never the secret.
 *
 * @param accessKeyId       the AccessKey ID found
 * @param kind              what kind of credential the ID's form says it is
 * @param line              1-based line of the ID
 * @param column            1-based column of the ID
 * @param secretFingerprint SHA-256 of the paired secret, or null when no secret was found near the ID
 */
public record Finding(String accessKeyId, CredentialKind kind, int line, int column, String secretFingerprint) {

  public boolean secretFound() {
    return secretFingerprint != null;
  }
}
