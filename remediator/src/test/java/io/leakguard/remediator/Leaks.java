package io.leakguard.remediator;

import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import java.time.Instant;

/** Leak-detected records for tests. */
final class Leaks {

  private Leaks() {}

  static LeakDetected of(String incidentId, String accessKeyId, Instant detectedAt) {
    return LeakDetected.newBuilder()
        .setIncidentId(incidentId)
        .setAccessKeyId(accessKeyId)
        .setKind(CredentialKind.RAM_USER_KEY)
        .setMaskedKey(KeyForms.mask(accessKeyId))
        .setSecretFingerprint(KeyForms.fingerprint("synthetic"))
        .setSource(SourceLocation.newBuilder().setType(LeakSourceType.SCANNER).setLocation("test:file").build())
        .setTimeline(Timeline.newBuilder().setSightedAt(detectedAt.minusMillis(3)).setDetectedAt(detectedAt).build())
        .build();
  }
}
