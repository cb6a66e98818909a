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
   * "could not tell". {@code probedAt} is when STS answered (epoch milliseconds), 0 until the prober stamps it.
   */
  record Liveness(Boolean live, CallerIdentity identity, ProbeResult result, long probedAt) {
    public static final Liveness UNKNOWN = new Liveness(null, null, ProbeResult.NOT_PROBED, 0);
    public static final Liveness UNREACHABLE = new Liveness(null, null, ProbeResult.UNREACHABLE, 0);
    public static final Liveness FLOOD_LIMITED = new Liveness(null, null, ProbeResult.FLOOD_LIMITED, 0);

    /** A probe that proved the pair dead, for the reason {@code result}. */
    public static Liveness dead(ProbeResult result) {
      return new Liveness(false, null, result, 0);
    }

    /** A pair that worked, as {@code identity}. */
    public static Liveness valid(CallerIdentity identity) {
      return new Liveness(true, identity, ProbeResult.PAIR_VALID, 0);
    }

    /** This answer as given by STS at {@code millis}. */
    public Liveness at(long millis) {
      return new Liveness(live, identity, result, millis);
    }

    /**
     * Whether STS said something about the pair itself (valid, wrong secret, no such key, disabled), which is worth
     * remembering; not when it could not tell, or nobody asked.
     */
    public boolean definite() {
      return result == ProbeResult.PAIR_VALID || result == ProbeResult.SECRET_WRONG
          || result == ProbeResult.KEY_NOT_FOUND || result == ProbeResult.KEY_INACTIVE;
    }
  }

  Liveness probe(String accessKeyId, Secret secret, Secret securityToken);

  /** The probe for configurations where it is switched off. */
  LivenessProbe OFF = (id, secret, token) -> Liveness.UNKNOWN;
}
