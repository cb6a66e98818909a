package io.leakguard.detector.intake;

import io.leakguard.detector.Finding;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.ProbeVerdict;
import java.time.Instant;

/** Probe answers as {@link ProbeVerdict} records of the {@code probe.verdicts} topic, and back. */
final class Verdicts {

  private Verdicts() {}

  /**
   * The start of a verdict on the pair of {@code finding}: the ID and the fingerprints of its secret and token, taken
   * now so that nothing waiting for the answer holds the secret.
   */
  static ProbeVerdict.Builder of(Finding finding) {
    return ProbeVerdict.newBuilder()
        .setAccessKeyId(finding.accessKeyId())
        .setSecretFingerprint(finding.secretFingerprint())
        .setTokenFingerprint(finding.securityToken() == null ? null
            : KeyForms.fingerprint(finding.securityToken().reveal()));
  }

  /** The verdict once the probe answered. */
  static ProbeVerdict with(ProbeVerdict.Builder pair, LivenessProbe.Liveness live) {
    return ProbeVerdict.newBuilder(pair)
        .setProbe(live.result())
        .setLive(live.live())
        .setCallerIdentity(live.identity())
        .setProbedAt(Instant.ofEpochMilli(live.probedAt()))
        .build();
  }

  /** The answer a verdict records, as the probe gave it. */
  static LivenessProbe.Liveness liveness(ProbeVerdict verdict) {
    return new LivenessProbe.Liveness(verdict.getLive(), verdict.getCallerIdentity(), verdict.getProbe(),
        verdict.getProbedAt().toEpochMilli());
  }
}
