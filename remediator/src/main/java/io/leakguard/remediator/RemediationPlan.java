package io.leakguard.remediator;

import io.leakguard.schemas.RemediationStrategy;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan of a remediation as text, one cloud step a line, in the order they will run: what a dry run reports, what a
 * person approves, and what the outcome records.
 */
final class RemediationPlan {

  private RemediationPlan() {}

  /**
   * The steps for a RAM user's leaked key.
   *
   * @param orphans      keys an interrupted run created and never stored: deleted first
   * @param leakedListed whether RAM still lists the leaked key for the user
   * @param stored       the key KMS holds as this incident's version, or null when none is stored yet
   */
  static List<String> forKey(RemediationStrategy strategy, String incident, String maskedKey, String account,
      String user, String secretName, List<String> orphans, boolean leakedListed, String stored) {
    List<String> plan = new ArrayList<>();
    String where = " (account " + account + ")";
    String delete = "RAM DeleteAccessKey " + maskedKey + " of user " + user + where;
    switch (strategy) {
      case ROTATE_SECRET -> {
        plan.add("KMS RotateSecret " + secretName + " VersionId=" + incident);
        if (leakedListed) {
          plan.add(delete + " if the rotation left it");
        }
      }
      case ESCALATE -> plan.add("none: escalate to the security team");
      default -> {
        orphans.forEach(o -> plan.add("RAM DeleteAccessKey " + o + " of user " + user + " (orphan)" + where));
        if (strategy == RemediationStrategy.REVOKE_FIRST && leakedListed && stored == null) {
          plan.add(delete);
        }
        if (stored == null) {
          plan.add("RAM CreateAccessKey for user " + user + where);
          plan.add("KMS PutSecretValue " + secretName + " VersionId=" + incident + " (CreateSecret when absent)");
        }
        if (strategy == RemediationStrategy.REPLACE_FIRST && leakedListed) {
          plan.add(delete);
        }
      }
    }
    return plan;
  }

  /** The steps for a leaked STS token: record the role, detach its policies, and for a reincarnation recreate it. */
  static List<String> forRole(RemediationStrategy strategy, String incident, String recordName, String roleName,
      RoleRecord record) {
    List<String> plan = new ArrayList<>();
    plan.add("KMS PutSecretValue " + recordName + " VersionId=" + incident + " (the role and its policies)");
    record.policies().forEach(p -> plan.add("RAM DetachPolicyFromRole " + p + " from " + roleName));
    if (strategy == RemediationStrategy.REINCARNATE) {
      plan.add("RAM DeleteRole " + roleName);
      plan.add("RAM CreateRole " + roleName + " (same trust policy, max session " + record.maxSessionDuration()
          + " s, description)");
      record.policies().forEach(p -> plan.add("RAM AttachPolicyToRole " + p + " to " + roleName));
    }
    return plan;
  }

  /** The steps of deny-new-ips: a Deny policy on every other source address, attached to the role. */
  static List<String> forDenyNewIps(String policyName, String roleName, List<String> knownIps) {
    return List.of("RAM CreatePolicy " + policyName + " (Deny * " + (knownIps.isEmpty()
            ? "from every address: none is known)" : "when acs:SourceIp is not one of " + knownIps + ")"),
        "RAM AttachPolicyToRole Custom:" + policyName + " to " + roleName);
  }
}
