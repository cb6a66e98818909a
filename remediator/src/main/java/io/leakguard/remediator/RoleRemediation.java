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

  private final java.time.Duration evidenceWindow;

  RoleRemediation(CloudFleet fleet, StepJournal steps, java.time.Duration evidenceWindow) {
    this.evidenceWindow = evidenceWindow;
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
    boolean deny = strategy == RemediationStrategy.DENY_NEW_IPS;
    journal.setOldRoleId(record.roleId()).setMaxSessionDuration(record.maxSessionDuration());
    if (!deny) {
      // What 'leakguard restore' reads: deny-new-ips detaches nothing and records no role.
      journal.setDetachedPolicies(record.policies()).setRoleRecord(recordName + "#" + incident);
    }
    List<String> plan = new java.util.ArrayList<>(deny
        ? RemediationPlan.forDenyNewIps(denyPolicyName(incident), roleName, journal.getKnownIps())
        : RemediationPlan.forRole(strategy, incident, recordName, roleName, record));
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
    Evidence.record(steps, cloud, account, record, evidenceWindow);
    if (deny) {
      denyNewIps(cloud, roleName, record);
      return;
    }
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
      steps.finish(RemediationStatus.FAILED, notTheRecordedRole(roleName, now));
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

  /** The custom policy deny-new-ips creates for an incident: RAM policy names are letters, digits and hyphens. */
  static String denyPolicyName(String incident) {
    return "LeakGuardDenyNewIps-" + incident.replaceAll("[^A-Za-z0-9-]", "-");
  }

  /**
   * deny-new-ips: a custom policy denying every action to calls whose {@code acs:SourceIp} is none of the role's
   * known addresses, attached to the role. A Deny wins over every Allow, and a session's permissions are evaluated at
   * each call against the role's current policies, so every unexpired token, the leaked one included, stops working
   * from any other address while production keeps using the role. With no known address the Deny is unconditional.
   * https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements (Condition, acs:SourceIp)
   */
  private void denyNewIps(AlibabaCloud cloud, String roleName, RoleRecord record) throws CloudException {
    Optional<Role> now = findRole(cloud, roleName);
    if (now.isEmpty() || !now.get().roleId().equals(record.roleId())) {
      steps.finish(RemediationStatus.FAILED, notTheRecordedRole(roleName, now));
      return;
    }
    String name = denyPolicyName(journal.getIncidentId());
    List<String> known = journal.getKnownIps();
    String document = denyDocument(known);
    journal.setDenyPolicy(name);
    steps.step("CreatePolicy", () -> {
      try {
        cloud.ram().createPolicy(name, document, "LeakGuard incident " + journal.getIncidentId() + ": denies role "
            + roleName + " every call from an address it was not used from before the leak");
        return "created";
      } catch (CloudException e) {
        if (e.errorClass() != CloudErrorClass.CONFLICT) {
          throw e;
        }
        return "found (created by an earlier run of this incident)";
      }
    }, r -> r + " custom policy " + name + ": " + document);
    PolicyAttachment attachment = new PolicyAttachment("Custom", name);
    boolean attached = cloud.ram().listPoliciesForRole(roleName).stream()
        .anyMatch(p -> p.toString().equals(attachment.toString()));
    if (!attached) {
      steps.step("AttachPolicyToRole", () -> {
        cloud.ram().attachPolicyToRole(roleName, attachment);
        return attachment.toString();
      }, p -> "attached " + p + " to " + roleName + ": its tokens work only from " + (known.isEmpty()
          ? "nowhere (no address was known)" : known));
    }
    journal.setNeutralizedAt(steps.now());
    new PersistenceSweep(fleet, steps).run();
    steps.finish(RemediationStatus.NEUTRALIZED, null);
  }

  /** The Deny document: every action, every resource, when the source address is none of {@code known}. */
  static String denyDocument(List<String> known) {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var statement = json.createObjectNode().put("Effect", "Deny").put("Action", "*").put("Resource", "*");
    if (!known.isEmpty()) {
      var ips = statement.putObject("Condition").putObject("NotIpAddress").putArray("acs:SourceIp");
      known.forEach(ips::add);
    }
    var policy = json.createObjectNode().put("Version", "1");
    policy.putArray("Statement").add(statement);
    return policy.toString();
  }

  /** Why a role that is gone, or is not the one recorded, cannot be purged or restricted. */
  private static String notTheRecordedRole(String roleName, Optional<Role> now) {
    return now.isEmpty() ? "role " + roleName + " no longer exists"
        : "role " + roleName + " was recreated by someone else (RoleId " + now.get().roleId() + ")";
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
