package io.leakguard.detector;

import io.leakguard.cloud.Secret;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;

/**
 * One credential found in content. The secret and the security token travel only in memory, wrapped in
 * {@link Secret} (so the detector can probe the key's liveness and then drop them); {@link #toString()} shows the
 * masked ID and the fingerprint, never a secret.
 *
 * @param accessKeyId       the AccessKey ID found
 * @param kind              what kind of credential the ID's form says it is: {@code RAM_USER_KEY} for {@code LTAI}
 *                          IDs (the form cannot tell a root key from a user's), {@code STS_TOKEN} for {@code STS.}
 * @param line              1-based line of the ID (of the encoded value holding it, when it was decoded)
 * @param column            1-based column of the ID, likewise
 * @param secretFingerprint lower-case hex SHA-256 of the paired secret, or null when no secret was found near the ID
 * @param secret            the paired secret, or null
 * @param securityToken     the STS security token found with an STS ID, or null
 */
public record Finding(String accessKeyId, CredentialKind kind, int line, int column, String secretFingerprint,
                      Secret secret, Secret securityToken) {

  public Finding {
    if (secret != null && secretFingerprint == null) {
      secretFingerprint = KeyForms.fingerprint(secret.reveal());
    }
  }

  /** A finding without the plaintext (a finding reported by someone else, a test). */
  public Finding(String accessKeyId, CredentialKind kind, int line, int column, String secretFingerprint) {
    this(accessKeyId, kind, line, column, secretFingerprint, null, null);
  }

  public boolean secretFound() {
    return secretFingerprint != null;
  }

  @Override
  public String toString() {
    return "Finding[" + KeyForms.mask(accessKeyId) + ", " + kind + ", line " + line + ", column " + column
        + ", secret " + (secretFound() ? "sha256:" + secretFingerprint : "not found")
        + (securityToken != null ? ", with security token" : "") + "]";
  }
}
