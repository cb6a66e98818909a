package io.leakguard.notifier;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.leakguard.schemas.RemediationOutcome;
import java.time.Instant;
import java.util.List;

/**
 * What a notification says, built from the outcome's fields one by one: records never hold a secret, and this
 * copies only what a reader needs, so nothing new can slip into a message.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Notice(String incidentId, String accessKeyId, String maskedKey, String status, String strategy,
    String accountId, String userName, String ownerEmail, String newAccessKeyId, String kmsSecretName,
    String reason, String source, List<String> detachedPolicies, Instant detectedAt, Instant neutralizedAt,
    Long detectionToNeutralizationMillis, int attempt, boolean credentialMayBeLive, Instant nextRetryAt) {

  public static Notice of(RemediationOutcome outcome) {
    var timeline = outcome.getTimeline();
    Long elapsed = timeline.getNeutralizedAt() == null ? null
        : timeline.getNeutralizedAt().toEpochMilli() - timeline.getDetectedAt().toEpochMilli();
    return new Notice(outcome.getIncidentId(), outcome.getAccessKeyId(), outcome.getMaskedKey(),
        outcome.getStatus().name(), outcome.getStrategy(), outcome.getOwner().getAccountId(),
        outcome.getOwner().getUserName(), outcome.getOwner().getEmail(), outcome.getNewAccessKeyId(),
        outcome.getKmsSecretName(), outcome.getReason(),
        outcome.getSource().getType() + " " + outcome.getSource().getLocation(),
        List.copyOf(outcome.getDetachedPolicies()), timeline.getDetectedAt(), timeline.getNeutralizedAt(), elapsed,
        outcome.getAttempt(), outcome.getCredentialMayBeLive(), outcome.getNextRetryAt());
  }

  /** One line for people: what happened, to which key, and what to do next. */
  public String summary() {
    String who = userName == null ? "account " + accountId : "RAM user " + userName + " in account " + accountId;
    return switch (status) {
      case "ROTATED" -> "Leaked AccessKey " + maskedKey + " of " + who + " was deleted after "
          + detectionToNeutralizationMillis + " ms; its replacement " + newAccessKeyId + " is in KMS secret "
          + kmsSecretName + ". Applications reading that secret pick it up; any other copy of the old key is dead.";
      case "NEUTRALIZED" -> "Leaked STS token " + maskedKey + " lost its power: policies " + detachedPolicies
          + " were detached.";
      case "ESCALATED" -> "Leaked credential " + maskedKey + " needs the security team: " + reason;
      case "PLANNED" -> "Dry run for " + maskedKey + ": nothing was changed.";
      case "AWAITING_APPROVAL" -> "Leaked credential " + maskedKey + " of " + who + " waits for approval: run "
          + "'leakguard approve " + incidentId + "' or 'leakguard reject " + incidentId + "'.";
      case "CONTAINED" -> "Leaked AccessKey " + maskedKey + " of " + who + " was disabled (reversible) while its "
          + "remediation waits for approval: 'leakguard approve " + incidentId + "'.";
      case "REJECTED" -> "Remediation of leaked credential " + maskedKey + " was rejected by a person; the key is "
          + "still valid unless someone deletes it: " + reason;
      case "SKIPPED" -> "Leaked credential " + maskedKey + " needed nothing more: " + reason;
      default -> "Remediation of leaked credential " + maskedKey + " FAILED (attempt " + attempt + ")"
          + (credentialMayBeLive ? "; THE LEAKED CREDENTIAL MAY STILL WORK" : "") + ": " + reason
          + (nextRetryAt != null ? ". LeakGuard tries again at " + nextRetryAt + " and on any new sighting; "
              + "'leakguard retry " + incidentId + "' tries now" : ". It needs a person now: 'leakguard retry "
              + incidentId + "' tries again");
    };
  }
}
