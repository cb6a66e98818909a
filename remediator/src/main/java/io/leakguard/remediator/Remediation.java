package io.leakguard.remediator;

import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.RemediationOutcome;

/** Acts on one leak and says what it did. Implementations touch the cloud; the topology does not. */
public interface Remediation {

  /** Never throws for a cloud failure: a failure is an outcome with status FAILED and its reason. */
  RemediationOutcome remediate(LeakEnriched leak);
}
