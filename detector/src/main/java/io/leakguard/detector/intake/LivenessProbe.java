package io.leakguard.detector.intake;

import io.leakguard.cloud.Secret;
import io.leakguard.schemas.CallerIdentity;

/**
 * Asks Alibaba Cloud whether a leaked pair still works, and whose it is, with the pair itself. The secret is used for
 * that one call and dropped.
 */
public interface LivenessProbe {

  /** The answer: live or not, and the identity when the pair worked. Null {@code live} means "could not tell". */
  record Liveness(Boolean live, CallerIdentity identity) {
    public static final Liveness UNKNOWN = new Liveness(null, null);
  }

  Liveness probe(String accessKeyId, Secret secret, Secret securityToken);

  /** The probe for configurations where it is switched off. */
  LivenessProbe OFF = (id, secret, token) -> Liveness.UNKNOWN;
}
