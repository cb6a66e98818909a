package io.leakguard.notifier;

import io.leakguard.schemas.RemediationOutcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a notification may say, copied from the outcome field by field: records never hold a secret, and this copies
 * only what a reader needs (the masked key, never the full ID or a secret), so nothing new can slip into a message.
 */
public record Notice(String incidentId, String maskedKey, String status, String kind, String strategy,
    String accountId, String userName, String roleName, String displayName, String newAccessKeyId,
    String kmsSecretName, String kmsSecretVersion, String reason, String sourceType, String sourceLocation,
    List<String> detachedPolicies, Instant detectedAt, Instant neutralizedAt, Long detectionToNeutralizationMillis,
    int attempt, boolean credentialMayBeLive, Instant nextRetryAt, String ownerKind, String severity,
    List<String> persistence, String containedBy, List<String> knownIps, String denyPolicy) {

  public static Notice of(RemediationOutcome outcome) {
    var timeline = outcome.getTimeline();
    Long elapsed = timeline.getNeutralizedAt() == null || timeline.getDetectedAt() == null ? null
        : timeline.getNeutralizedAt().toEpochMilli() - timeline.getDetectedAt().toEpochMilli();
    var owner = outcome.getOwner();
    return new Notice(outcome.getIncidentId(), outcome.getMaskedKey(), outcome.getStatus().name(),
        outcome.getKind().name(), outcome.getStrategy(), owner.getAccountId(), owner.getUserName(),
        owner.getRoleName() != null ? owner.getRoleName() : outcome.getRoleName(), owner.getDisplayName(),
        outcome.getNewAccessKeyId(), outcome.getKmsSecretName(), outcome.getKmsSecretVersion(), outcome.getReason(),
        outcome.getSource().getType().name(), outcome.getSource().getLocation(),
        List.copyOf(outcome.getDetachedPolicies()), timeline.getDetectedAt(), timeline.getNeutralizedAt(), elapsed,
        outcome.getAttempt(), outcome.getCredentialMayBeLive(), outcome.getNextRetryAt(),
        outcome.getOwnerKind().name(), outcome.getSeverity().name(),
        outcome.getPersistence().stream().map(Notice::persistenceLine).toList(), outcome.getContainedBy(),
        List.copyOf(outcome.getKnownIps()), outcome.getDenyPolicy());
  }

  /** True when the waiting key was restricted by a network policy rather than disabled. */
  boolean restricted() {
    return "network policy".equals(containedBy);
  }

  /**
   * One line per thing the leaked key created or changed, with what LeakGuard did about it: names and IDs only.
   * e.g. {@code CreateAccessKey for bob (LTAI…) from 203.0.113.66 at 2026-12-02T10:00:00Z: reverted: deleted …}.
   */
  static String persistenceLine(io.leakguard.schemas.PersistenceAction action) {
    StringBuilder line = new StringBuilder(action.getEventName());
    if (action.getUserName() != null) {
      line.append(" for ").append(action.getUserName());
    } else if (action.getRoleName() != null) {
      line.append(" on role ").append(action.getRoleName());
    }
    if (action.getPolicyName() != null) {
      line.append(" (").append(action.getPolicyType()).append(':').append(action.getPolicyName()).append(')');
    }
    if (action.getResource() != null) {
      line.append(" (").append(action.getResource()).append(')');
    }
    line.append(" from ").append(action.getSourceIp()).append(" at ").append(action.getEventTime());
    return line.append(": ").append(action.getHandling() == null ? "not handled yet" : action.getHandling())
        .toString();
  }

  /** The notice as JSON-ready values (nulls left out), for webhooks and cards. */
  public Map<String, Object> facts() {
    Map<String, Object> facts = new LinkedHashMap<>();
    put(facts, "incidentId", incidentId);
    put(facts, "status", status);
    put(facts, "maskedKey", maskedKey);
    put(facts, "kind", kind);
    put(facts, "ownerKind", ownerKind);
    put(facts, "severity", severity);
    put(facts, "accountId", accountId);
    put(facts, "userName", userName);
    put(facts, "roleName", roleName);
    put(facts, "strategy", strategy);
    put(facts, "newAccessKeyId", newAccessKeyId);
    put(facts, "kmsSecretName", kmsSecretName);
    put(facts, "kmsSecretVersion", kmsSecretVersion);
    if (!detachedPolicies.isEmpty()) {
      facts.put("detachedPolicies", detachedPolicies);
    }
    put(facts, "reason", reason);
    put(facts, "source", sourceType);
    put(facts, "sourceLocation", sourceLocation);
    put(facts, "detectedAt", detectedAt == null ? null : detectedAt.toString());
    put(facts, "neutralizedAt", neutralizedAt == null ? null : neutralizedAt.toString());
    put(facts, "detectionToNeutralizationMillis", detectionToNeutralizationMillis);
    facts.put("attempt", attempt);
    facts.put("credentialMayBeLive", credentialMayBeLive);
    put(facts, "nextRetryAt", nextRetryAt == null ? null : nextRetryAt.toString());
    if (!persistence.isEmpty()) {
      facts.put("persistence", persistence);
    }
    return facts;
  }

  private static void put(Map<String, Object> facts, String name, Object value) {
    if (value != null) {
      facts.put(name, value);
    }
  }
}
