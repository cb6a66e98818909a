package io.leakguard.remediator;

import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import java.time.Instant;

/** Enriched leaks for tests. */
final class Leaks {

  private Leaks() {}

  /** A leak whose owner the enrichment could not tell. */
  static LeakEnriched of(String incidentId, String accessKeyId, Instant detectedAt) {
    return builder(incidentId, accessKeyId, detectedAt).build();
  }

  /** A leak the enrichment attributed to a RAM user. */
  static LeakEnriched ownedBy(String incidentId, String accessKeyId, String accountId, String userName) {
    return builder(incidentId, accessKeyId, Instant.now())
        .setOwnerKind(OwnerKind.RAM_USER)
        .setOwner(Owner.newBuilder().setAccountId(accountId).setUserName(userName).build())
        .build();
  }

  static LeakEnriched.Builder builder(String incidentId, String accessKeyId, Instant detectedAt) {
    return LeakEnriched.newBuilder()
        .setIncidentId(incidentId)
        .setAccessKeyId(accessKeyId)
        .setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey(KeyForms.mask(accessKeyId))
        .setSecretFingerprint(KeyForms.fingerprint("synthetic"))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("test:file").build())
        .setOwner(Owner.newBuilder().build())
        .setOwnerKind(OwnerKind.UNKNOWN)
        .setTimeline(Timeline.newBuilder().setSightedAt(detectedAt.minusMillis(3)).setDetectedAt(detectedAt)
            .setEnrichedAt(detectedAt.plusMillis(1)).build());
  }
}
