package io.leakguard.detector.intake;

import io.leakguard.runtime.Redactor;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.schemas.edge.EdgeLimits;
import io.leakguard.schemas.edge.GithubAlertReference;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds the sighting records that every intake produces (as {@link LeakDetected}, before incident folding): one
 * shape for the scanner, GitHub, Security Center and manual reports.
 */
public final class Sightings {

  private Sightings() {}

  /**
   * A sighting. Its incident ID is derived from where it was seen, so a reprocessed input record yields the same ID;
   * the incident store replaces it with the incident's own ID when the key was seen before.
   */
  public static LeakDetected sighting(String accessKeyId, CredentialKind kind, String secretFingerprint,
      SourceLocation source, String coordinates, Instant sightedAt, Instant detectedAt, LivenessProbe.Liveness live) {
    return LeakDetected.newBuilder()
        .setIncidentId(UUID.nameUUIDFromBytes((coordinates + "/" + accessKeyId).getBytes(StandardCharsets.UTF_8))
            .toString())
        .setAccessKeyId(accessKeyId)
        .setKind(kind)
        .setMaskedKey(KeyForms.mask(accessKeyId))
        .setSecretFingerprint(secretFingerprint)
        .setSource(source)
        .setLive(live.live())
        .setCallerIdentity(live.identity())
        .setProbe(live.result())
        .setTimeline(Timeline.newBuilder().setSightedAt(sightedAt).setDetectedAt(detectedAt).build())
        .build();
  }

  /**
   * Where a sighting was made. Location and reference come from the input, which anyone can write: both are cut to
   * their limits and redacted ({@link Redactor#field}), so a secret planted in them (a proxy log's URL with
   * {@code AccessKeySecret=…}, an alert's link) is never copied into a record.
   */
  /** The sighting once its pair was probed: liveness, identity, the kind the identity proves, the probe's answer. */
  public static LeakDetected probed(LeakDetected sighting, LivenessProbe.Liveness live) {
    return LeakDetected.newBuilder(sighting)
        .setLive(live.live())
        .setCallerIdentity(live.identity())
        .setKind(kindOf(sighting.getAccessKeyId(), live.identity()))
        .setProbe(live.result())
        .build();
  }

  public static SourceLocation source(LeakSourceType type, String location, Integer line, String reference) {
    return SourceLocation.newBuilder().setType(type)
        .setLocation(location == null ? "unknown" : Redactor.field(location, EdgeLimits.LOCATION_MAX_CHARS))
        .setLine(line).setReference(Redactor.field(reference, EdgeLimits.REFERENCE_MAX_CHARS)).build();
  }

  /**
   * Where a GitHub alert's sighting was made: the free-text location as for any source, and a reference naming the
   * alert, {@code owner/repo#number} ({@link GithubAlertReference}), which the bridge reads to resolve the alert.
   * The reference skips {@link Redactor#field}, whose greedy rule would redact most real repository names
   * ({@code octo-org/octo-repo} is a 20-character run of token characters), and is written only when the name has
   * GitHub's shape and no part of it between {@code / . _ -} is credential-shaped; otherwise the reference is
   * {@code alert <number>}, as every GitHub sighting had before, and the alert is left for a person to resolve.
   */
  public static SourceLocation githubSource(String location, String repositoryFullName, long alertNumber) {
    String reference = GithubAlertReference.of(repositoryFullName, alertNumber)
        .filter(ref -> java.util.Arrays.stream(ref.fullName().split("[/._-]"))
            .allMatch(part -> part.equals(Redactor.redact(part))))
        .map(GithubAlertReference::toString)
        .orElse("alert " + alertNumber);
    SourceLocation source = source(LeakSourceType.GITHUB, location, null, null);
    source.setReference(reference);
    return source;
  }

  /** A short free-text value of an input (a source name, a reporter), cut and redacted for records and logs. */
  public static String label(String value) {
    return value == null ? null : Redactor.field(value, EdgeLimits.SOURCE_MAX_CHARS);
  }

  /** The credential kind the caller identity proves, else the kind the ID's form suggests. */
  public static CredentialKind kindOf(String accessKeyId, CallerIdentity identity) {
    if (identity != null) {
      return switch (identity.getIdentityType()) {
        case "Account" -> CredentialKind.ROOT_KEY;
        case "AssumedRoleUser" -> CredentialKind.STS_TOKEN;
        default -> CredentialKind.RAM_USER_KEY;
      };
    }
    return accessKeyId.startsWith("STS.") ? CredentialKind.STS_TOKEN : CredentialKind.RAM_USER_KEY;
  }
}
