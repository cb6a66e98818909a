package io.leakguard.remediator;

import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.JournalStepStatus;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.StepResult;
import io.leakguard.schemas.Timeline;
import java.time.Instant;
import java.util.List;

/** Turns leaks into journals and journals into outcome records. */
final class Journals {

  private Journals() {}

  /** True for a leaked STS token: it is neutralized through its role. */
  static boolean isStsToken(RemediationJournal journal) {
    return journal.getKind() == CredentialKind.STS_TOKEN || journal.getOwnerKind() == OwnerKind.ASSUMED_ROLE;
  }

  /**
   * Whether the leaked credential, or what it created, may still work: nothing neutralized it yet (the leaked key was
   * not deleted, the role's policies not detached), or the persistence sweep failed before it undid everything it
   * should. Only then is a FAILED incident urgent enough to retry without a person.
   */
  static boolean mayBeLive(RemediationJournal journal) {
    return journal.getStatus() == RemediationStatus.FAILED
        && (journal.getNeutralizedAt() == null || PersistenceSweep.unfinished(journal));
  }

  /**
   * The order of incidents under a storm, higher first: the enrichment's severity (CRITICAL: used after the leak from
   * a new address, or it created persistence; HIGH: live; MEDIUM: unknown; LOW: proven dead), then whether the owner
   * is admin-level (the enrichment's {@code ownerPrivileges}: a key that can do anything, or grant itself anything),
   * then how much persistence the credential created. Arrival order only breaks ties.
   */
  static int risk(RemediationJournal journal) {
    int severity = journal.getSeverity() == null ? 1 : journal.getSeverity().ordinal();
    return severity * 1000 + (journal.getOwnerPrivileges().isEmpty() ? 0 : 500)
        + Math.min(journal.getPersistence().size(), 499);
  }

  /** The reason of an incident held by the kill switch or the blast-radius limit. */
  static String heldReason(String pausedBy) {
    return "held, nothing destructive done: " + pausedBy + "; 'leakguard resume' (with the same --account) lets it "
        + "continue";
  }

  /** The scope ({@code *} or an account ID) a held incident's reason names, or null. */
  static String heldScope(String pausedBy) {
    int at = pausedBy == null ? -1 : pausedBy.lastIndexOf("[scope ");
    return at < 0 || !pausedBy.endsWith("]") ? null : pausedBy.substring(at + "[scope ".length(), pausedBy.length() - 1);
  }

  /** The first journal of an incident, with the policy's rule for its credential. */
  static RemediationJournal open(LeakEnriched leak, RemediationPolicy policy, Instant now) {
    var owner = leak.getOwner();
    boolean sts = leak.getKind() == CredentialKind.STS_TOKEN || leak.getOwnerKind() == OwnerKind.ASSUMED_ROLE;
    RemediationPolicy.Rule rule = policy.ruleFor(owner.getAccountId(), sts ? null : owner.getUserName(),
        sts ? owner.getRoleName() : null);
    return RemediationJournal.newBuilder()
        .setIncidentId(leak.getIncidentId())
        .setAccessKeyId(leak.getAccessKeyId())
        .setKind(leak.getKind())
        .setMaskedKey(leak.getMaskedKey())
        .setSecretFingerprint(leak.getSecretFingerprint())
        .setSource(leak.getSource())
        .setOwner(owner)
        .setOwnerKind(leak.getOwnerKind())
        .setSeverity(leak.getSeverity())
        .setTimeline(leak.getTimeline())
        .setPhase(JournalPhase.PENDING)
        .setRemediationMode(rule.mode())
        .setRemediationStrategy(sts ? rule.stsToken() : rule.accessKey())
        .setFallbackStrategy(rule.whenTwoKeys())
        .setContain(rule.contain())
        .setKmsSecretName(sts ? null : rule.managedSecret())
        .setOpenedAt(now)
        .setPersistence(leak.getPersistence())
        .setOwnerPrivileges(leak.getOwnerPrivileges())
        .setPersistencePolicy(sweepWords(rule))
        .setContainment(io.leakguard.schemas.EnumWords.word(rule.containment()))
        .setKnownIps(knownIps(leak, rule))
        .build();
  }

  /**
   * The addresses that network containment and deny-new-ips keep working: those ActionTrail saw the credential used
   * from, less every address that used it only after the leak (the enrichment's suspicious addresses) and every
   * address the persistence it created came from, plus the rule's {@code knownNetworks}.
   */
  static List<String> knownIps(LeakEnriched leak, RemediationPolicy.Rule rule) {
    java.util.Set<String> attacker = new java.util.HashSet<>(leak.getSuspiciousIps());
    leak.getPersistence().forEach(action -> {
      if (action.getSourceIp() != null) {
        attacker.add(action.getSourceIp());
      }
    });
    java.util.Set<String> known = new java.util.LinkedHashSet<>();
    leak.getUsedFromIps().stream().filter(ip -> !attacker.contains(ip) && IpBlocks.isBlock(ip)).forEach(known::add);
    known.addAll(rule.knownNetworks());
    return List.copyOf(known);
  }

  /** The rule's sweep settings as the journal keeps them: kind to word ({@code revert}, {@code contain}, ...). */
  private static java.util.Map<String, String> sweepWords(RemediationPolicy.Rule rule) {
    java.util.Map<String, String> words = new java.util.TreeMap<>();
    rule.persistence().forEach((kind, sweep) -> words.put(kind, io.leakguard.schemas.EnumWords.word(sweep)));
    return words;
  }

  /** The outcome record of a journal in its current state; {@code now} is when the remediation ended. */
  static RemediationOutcome outcome(RemediationJournal journal, Instant now) {
    Timeline.Builder timeline = Timeline.newBuilder(journal.getTimeline()).setRemediatedAt(now);
    Long neutralizationMillis = null;
    if (journal.getNeutralizedAt() != null) {
      timeline.setNeutralizedAt(journal.getNeutralizedAt());
      neutralizationMillis = journal.getNeutralizedAt().toEpochMilli()
          - journal.getTimeline().getDetectedAt().toEpochMilli();
    }
    List<RemediationStep> steps = journal.getSteps().stream().map(Journals::step).toList();
    return RemediationOutcome.newBuilder()
        .setIncidentId(journal.getIncidentId())
        .setAccessKeyId(journal.getAccessKeyId())
        .setKind(journal.getKind())
        .setMaskedKey(journal.getMaskedKey())
        .setSecretFingerprint(journal.getSecretFingerprint())
        .setSource(journal.getSource())
        .setOwner(journal.getOwner())
        .setStatus(journal.getStatus() == null ? RemediationStatus.FAILED : journal.getStatus())
        .setRemediationStrategy(journal.getRemediationStrategy())
        .setSteps(steps)
        .setNewAccessKeyId(journal.getNewAccessKeyId())
        .setKmsSecretName(journal.getNewAccessKeyId() == null ? null : journal.getKmsSecretName())
        .setKmsSecretVersion(journal.getNewAccessKeyId() == null ? null : journal.getKmsSecretVersion())
        .setDetachedPolicies(journal.getDetachedPolicies())
        .setReason(journal.getReason())
        .setRemediationMode(journal.getRemediationMode())
        .setPlan(journal.getPlan())
        .setRoleName(journal.getRoleName())
        .setOldRoleId(journal.getOldRoleId())
        .setNewRoleId(journal.getNewRoleId())
        .setNeutralizationMillis(neutralizationMillis)
        .setAttempt(journal.getAttempt())
        .setNextRetryAt(journal.getRetryAt())
        .setCredentialMayBeLive(mayBeLive(journal))
        .setOwnerKind(journal.getOwnerKind())
        .setSeverity(journal.getSeverity())
        .setDecidedBy(journal.getDecidedBy())
        .setPersistence(journal.getPersistence())
        .setEvidenceSecret(journal.getEvidenceSecret())
        .setEvidenceSha256(journal.getEvidenceSha256())
        .setEvidenceGaps(journal.getEvidenceGaps())
        .setContainedBy(journal.getContainedBy())
        .setKnownIps(journal.getKnownIps())
        .setDenyPolicy(journal.getDenyPolicy())
        .setTimeline(timeline.build())
        .build();
  }

  private static RemediationStep step(JournalStep step) {
    boolean interrupted = step.getFinishedAt() == null;
    JournalStepStatus status = step.getStatus() == null ? JournalStepStatus.FAILED : step.getStatus();
    StepResult result = switch (status) {
      case OK -> StepResult.OK;
      case SKIPPED -> StepResult.SKIPPED;
      case STARTED, FAILED -> StepResult.FAILED;
    };
    return RemediationStep.newBuilder()
        .setName(step.getName())
        .setStartedAt(step.getStartedAt())
        .setFinishedAt(interrupted ? step.getStartedAt() : step.getFinishedAt())
        .setOutcome(result)
        .setDetail(interrupted ? "interrupted: the remediator stopped during this step; the next run reconciled it"
            : step.getDetail())
        .build();
  }
}
