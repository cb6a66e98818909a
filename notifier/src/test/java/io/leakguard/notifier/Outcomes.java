package io.leakguard.notifier;

import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import java.time.Instant;

/** Remediation outcomes for tests. */
final class Outcomes {

  private Outcomes() {}

  static RemediationOutcome rotated(String incidentId, String accessKeyId, String newKey, Instant detectedAt) {
    return RemediationOutcome.newBuilder()
        .setIncidentId(incidentId).setAccessKeyId(accessKeyId).setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey(KeyForms.mask(accessKeyId))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("ci:log").build())
        .setOwner(Owner.newBuilder().setAccountId("1000000000000001").setUserName("alice").build())
        .setStatus(RemediationStatus.ROTATED).setStrategy("replace-first").setNewAccessKeyId(newKey)
        .setKmsSecretName("leakguard/1000000000000001/alice").setKmsSecretVersion(incidentId)
        .setTimeline(Timeline.newBuilder().setSightedAt(detectedAt).setDetectedAt(detectedAt)
            .setRemediatedAt(detectedAt.plusMillis(40)).setNeutralizedAt(detectedAt.plusMillis(35)).build())
        .build();
  }
}
