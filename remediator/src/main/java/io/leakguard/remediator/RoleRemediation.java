package io.leakguard.remediator;

import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.RamGateway.PolicyAttachment;
import io.leakguard.cloud.RamGateway.Role;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationMode;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStrategy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Neutralizes a leaked STS token through its role, since a token cannot be revoked alone: purge detaches every policy
 * of the role; reincarnate also deletes the role (every token it issued dies with its RoleId) and recreates it with
 * the same trust policy and policies. The role and its policies are recorded in KMS ({@link RoleRecord}) before
 * anything is changed, so a resumed run finds the exact record; the outcome names the detached policies, which is what
 * {@code leakguard restore} reads.
 */
final class RoleRemediation {

  private final CloudFleet fleet;
  private final StepJournal steps;
  private final RemediationJournal.Builder journal;

  RoleRemediation(CloudFleet fleet, StepJournal steps) {
    this.fleet = fleet;
    this.steps = steps;
    this.journal = steps.entry();
  }

  /** Runs until the token is neutralized, the incident waits for approval, or a cloud call fails (thrown). */
  void run() throws CloudException {
    Owner owner = journal.getOwner();
    if (owner.getAccountId() == null || owner.getRoleName() == null) {
      journal.setRemediationStrategy(RemediationStrategy.ESCALATE);
      steps.finish(RemediationStatus.ESCALATED, "the token's role is unknown: the security team decides");
      return;
    }
    String account = owner.getAccountId();
    String roleName = owner.getRoleName();
    RemediationStrategy strategy = journal.getRemediationStrategy();
    journal.setRoleName(roleName);
    if (strategy == RemediationStrategy.ESCALATE) {
      steps.finish(RemediationStatus.ESCALATED, "the policy escalates leaked tokens of role " + roleName);
      return;
    }
    AlibabaCloud cloud = cloud(account);
    String recordName = RoleRecord.secretName(account, roleName);
    String incident = journal.getIncidentId();
    Optional<String> recorded = steps.step("ReadRoleRecord", () -> cloud.kms().textVersion(recordName, incident),
        r -> r.map(x -> "found the record " + recordName + "#" + incident).orElse("no record yet"));
    RoleRecord record;
    if (recorded.isPresent()) {
      record = RoleRecord.parse(recorded.get());
    } else {
      Role role = steps.step("GetRole", () -> cloud.ram().getRole(roleName),
          r -> "role " + r.roleName() + " is " + r.roleId() + ", max session " + r.maxSessionDuration() + " s");
      List<PolicyAttachment> policies = steps.step("ListPoliciesForRole",
          () -> cloud.ram().listPoliciesForRole(roleName), ps -> "attached: " + ps);
      record = new RoleRecord(role.roleId(), role.roleName(), role.trustPolicy(), role.description(),
          role.maxSessionDuration(), policies.stream().map(PolicyAttachment::toString).toList());
    }
    journal.setOldRoleId(record.roleId()).setMaxSessionDuration(record.maxSessionDuration())
        .setDetachedPolicies(record.policies()).setRoleRecord(recordName + "#" + incident);
    List<String> plan = new java.util.ArrayList<>(RemediationPlan.forRole(strategy, incident, recordName, roleName,
        record));
    plan.addAll(PersistenceSweep.plan(steps.snapshot()));
    journal.setPlan(List.copyOf(plan));
    if (journal.getRemediationMode() == RemediationMode.DRY_RUN) {
      steps.finish(RemediationStatus.PLANNED, "dry run: nothing was touched");
      return;
    }
    if ((journal.getRemediationMode() == RemediationMode.APPROVE || journal.getPausedBy() != null)
        && journal.getPhase() == JournalPhase.PENDING) {
      journal.setPhase(JournalPhase.AWAITING_APPROVAL).setStatus(RemediationStatus.AWAITING_APPROVAL)
          .setReason(journal.getPausedBy() != null ? Journals.heldReason(journal.getPausedBy())
              : "waiting for approval: leakguard approve " + incident + " (or reject)");
      steps.publish();
      return;
    }
    // Before anything is destroyed: the role's trust policy and policies, and the persistence, for a responder.
    Evidence.record(steps, cloud, account, record);
    if (recorded.isEmpty()) {
      // Durable before anything changes: a resumed run reads exactly this.
      steps.step("RecordRole", () -> {
        cloud.kms().storeText(recordName, incident, record.toJson());
        return recordName;
      }, name -> "recorded role " + roleName + " and " + record.policies().size() + " policies in " + name);
    }
    Optional<Role> now = findRole(cloud, roleName);
    if (now.isPresent() && now.get().roleId().equals(record.roleId())) {
      List<String> detached = new ArrayList<>(record.policies());
      for (PolicyAttachment policy : cloud.ram().listPoliciesForRole(roleName)) {
        if (!detached.contains(policy.toString())) {
          detached.add(policy.toString()); // attached after the record: detached as well, and reported
        }
      }
      journal.setDetachedPolicies(List.copyOf(detached));
      for (String policy : detached) {
        PolicyAttachment attachment = attachment(policy);
        steps.step("DetachPolicyFromRole", () -> {
          try {
            cloud.ram().detachPolicyFromRole(roleName, attachment);
          } catch (CloudException e) {
            if (e.errorClass() != CloudErrorClass.NOT_FOUND) {
              throw e;
            }
          }
          return policy;
        }, p -> "detached " + p + " from " + roleName);
      }
      if (strategy == RemediationStrategy.PURGE) {
        journal.setNeutralizedAt(steps.now());
        new PersistenceSweep(fleet, steps).run();
        steps.finish(RemediationStatus.NEUTRALIZED, null);
        return;
      }
      steps.step("DeleteRole", () -> {
        cloud.ram().deleteRole(roleName);
        return roleName;
      }, r -> "deleted role " + roleName + " (" + record.roleId() + "): every token it issued is dead");
      journal.setNeutralizedAt(steps.now());
      now = Optional.empty();
    } else if (strategy == RemediationStrategy.PURGE) {
      steps.finish(RemediationStatus.FAILED, now.isEmpty() ? "role " + roleName + " no longer exists"
          : "role " + roleName + " was recreated by someone else (RoleId " + now.get().roleId() + ")");
      return;
    }
    if (journal.getNeutralizedAt() == null) {
      journal.setNeutralizedAt(steps.now()); // resumed after DeleteRole: the old role is gone either way
    }
    Role recreated;
    if (now.isEmpty()) {
      recreated = steps.step("CreateRole", () -> cloud.ram().createRole(roleName, record.trustPolicy(),
          record.description(), record.maxSessionDuration()), r -> "recreated " + roleName + " as " + r.roleId());
    } else {
      recreated = now.get();
    }
    journal.setNewRoleId(recreated.roleId());
    Set<String> attached = new LinkedHashSet<>(cloud.ram().listPoliciesForRole(roleName).stream()
        .map(PolicyAttachment::toString).toList());
    for (String policy : record.policies()) {
      if (!attached.contains(policy)) {
        steps.step("AttachPolicyToRole", () -> {
          cloud.ram().attachPolicyToRole(roleName, attachment(policy));
          return policy;
        }, p -> "re-attached " + p + " to " + roleName);
      }
    }
    new PersistenceSweep(fleet, steps).run();
    steps.finish(RemediationStatus.NEUTRALIZED, null);
  }

  private static Optional<Role> findRole(AlibabaCloud cloud, String roleName) throws CloudException {
    try {
      return Optional.of(cloud.ram().getRole(roleName));
    } catch (CloudException e) {
      if (e.errorClass() == CloudErrorClass.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  static PolicyAttachment attachment(String typeAndName) {
    int colon = typeAndName.indexOf(':');
    return new PolicyAttachment(typeAndName.substring(0, colon), typeAndName.substring(colon + 1));
  }

  private AlibabaCloud cloud(String accountId) throws CloudException {
    return fleet.account(accountId);
  }
}
