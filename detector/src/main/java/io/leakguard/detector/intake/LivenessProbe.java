package io.leakguard.detector.intake;

import io.leakguard.cloud.Secret;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.ProbeResult;

/**
 * Asks Alibaba Cloud whether a leaked pair still works, and whose it is, with the pair itself. The secret is used for
 * that one call and dropped.
 */
public interface LivenessProbe {

  /**
   * The answer: live or not, the identity when the pair worked, and what exactly STS said. Null {@code live} means
   * "could not tell".
   */
  record Liveness(Boolean live, CallerIdentity identity, ProbeResult result) {
    public static final Liveness UNKNOWN = new Liveness(null, null, ProbeResult.NOT_PROBED);
    public static final Liveness UNREACHABLE = new Liveness(null, null, ProbeResult.UNREACHABLE);
    public static final Liveness FLOOD_LIMITED = new Liveness(null, null, ProbeResult.FLOOD_LIMITED);

    /** A probe that proved the pair dead, for the reason {@code result}. */
    public static Liveness dead(ProbeResult result) {
      return new Liveness(false, null, result);
    }

    /** A pair that worked, as {@code identity}. */
    public static Liveness valid(CallerIdentity identity) {
      return new Liveness(true, identity, ProbeResult.PAIR_VALID);
    }
  }

  Liveness probe(String accessKeyId, Secret secret, Secret securityToken);

  /** The probe for configurations where it is switched off. */
  LivenessProbe OFF = (id, secret, token) -> Liveness.UNKNOWN;
}
