package io.leakguard.remediator;

import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.RamGateway.AccessKey;
import io.leakguard.cloud.RamGateway.PolicyAttachment;
import io.leakguard.schemas.PersistenceAction;
import io.leakguard.schemas.RemediationJournal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Undoes what the leaked credential created or changed (the enrichment's {@link PersistenceAction} list), once the
 * leaked credential itself is neutralized, as the policy's {@code persistence} settings say:
 *
 * <ul>
 *   <li>an AccessKey it created (for any user): deleted, after RAM lists it for that user right before
 *       ({@code accessKeys: revert});</li>
 *   <li>a RAM user it created: every key of the user deleted and its console login removed; the user is left for a
 *       person to delete ({@code users: contain});</li>
 *   <li>a login profile it created for a user: removed ({@code loginProfiles: revert});</li>
 *   <li>a policy it attached to a user, a group or a role: detached ({@code policies: revert});</li>
 *   <li>everything else (roles and trust policies, policy versions, users added to groups, ECS commands and instances, KMS
 *       secrets, an AssumeRole whose session's own actions are swept too): reported.</li>
 * </ul>
 *
 * Each action is one journaled step, and its {@code handling} is recorded in the journal as soon as it is done, so a
 * run resumed after a crash skips what is handled; a step interrupted between the cloud call and the journal is
 * repeated, and every revert is idempotent (a key, login profile or attachment already gone counts as reverted), so
 * nothing is reverted twice and nothing is missed. LeakGuard's own keys (the replacement it created) are never touched.
 */
final class PersistenceSweep {

  static final String REVERTED = "reverted: ";
  static final String CONTAINED = "contained: ";
  static final String REPORTED = "reported";
  static final String FAILED = "failed: ";

  private static final Set<String> POLICY_ATTACHMENTS = Set.of("AttachPolicyToUser", "AttachPolicyToRole",
      "AttachPolicyToGroup");

  private final CloudFleet fleet;
  private final StepJournal steps;
  private final RemediationJournal.Builder journal;

  PersistenceSweep(CloudFleet fleet, StepJournal steps) {
    this.fleet = fleet;
    this.steps = steps;
    this.journal = steps.entry();
  }

  /** True while some persistence action has no handling yet, or failed: the sweep must run (again). */
  static boolean unfinished(RemediationJournal journal) {
    return journal.getPersistence().stream()
        .anyMatch(a -> a.getHandling() == null || a.getHandling().startsWith(FAILED));
  }

  /** The sweep's steps as plan lines: what it will do about each action, by the journal's policy. */
  static List<String> plan(RemediationJournal journal) {
    java.util.Map<String, String> policy = journal.getPersistencePolicy();
    List<String> plan = new ArrayList<>();
    for (PersistenceAction action : journal.getPersistence()) {
      String by = " (" + action.getEventName() + " by " + io.leakguard.schemas.KeyForms.mask(
          action.getActorAccessKeyId()) + " at " + action.getEventTime() + ")";
      String user = action.getUserName();
      String line = switch (action.getEventName()) {
        case "CreateAccessKey" -> sweep(policy, "accessKeys").equals("revert")
            ? "RAM DeleteAccessKey " + action.getCreatedAccessKeyId() + " of user " + user : null;
        case "CreateUser" -> sweep(policy, "users").equals("contain")
            ? "RAM DeleteAccessKey every key of user " + user + ", DeleteLoginProfile " + user
                + "; the user is left for a person" : null;
        case "CreateLoginProfile" -> sweep(policy, "loginProfiles").equals("revert")
            ? "RAM DeleteLoginProfile " + user : null;
        case "AttachPolicyToUser" -> sweep(policy, "policies").equals("revert")
            ? "RAM DetachPolicyFromUser " + action.getPolicyType() + ":" + action.getPolicyName() + " from " + user
            : null;
        case "AttachPolicyToRole" -> sweep(policy, "policies").equals("revert")
            ? "RAM DetachPolicyFromRole " + action.getPolicyType() + ":" + action.getPolicyName() + " from "
                + action.getRoleName() : null;
        case "AttachPolicyToGroup" -> sweep(policy, "policies").equals("revert")
            ? "RAM DetachPolicyFromGroup " + action.getPolicyType() + ":" + action.getPolicyName() + " from "
                + action.getGroupName() : null;
        default -> null;
      };
      plan.add("sweep: " + (line == null ? "report " + action.getEventName() : line) + by);
    }
    return plan;
  }

  /** Handles every action not handled yet, in trail order; a cloud failure stops the sweep (thrown, retried later). */
  void run() throws CloudException {
    List<PersistenceAction> actions = new ArrayList<>(journal.getPersistence());
    for (int i = 0; i < actions.size(); i++) {
      PersistenceAction action = actions.get(i);
      if (action.getHandling() != null && !action.getHandling().startsWith(FAILED)) {
        continue;
      }
      String handling;
      try {
        handling = handle(action);
      } catch (CloudException e) {
        record(actions, i, FAILED + e.code());
        throw e;
      }
      record(actions, i, handling);
    }
  }

  /** The journal's copy of the list, with one action's handling set, published at once. */
  private void record(List<PersistenceAction> actions, int index, String handling) {
    actions.set(index, PersistenceAction.newBuilder(actions.get(index)).setHandling(handling).build());
    journal.setPersistence(List.copyOf(actions));
    steps.publish();
  }

  private String handle(PersistenceAction action) throws CloudException {
    String account = action.getAccountId();
    if (account == null || !fleet.accountIds().contains(account)) {
      return REPORTED + ": account " + account + " is not in the fleet";
    }
    String user = action.getUserName();
    return switch (action.getEventName()) {
      case "CreateAccessKey" -> sweep("accessKeys").equals("revert") && user != null
          && action.getCreatedAccessKeyId() != null
          ? deleteKey(fleet.account(account), user, action.getCreatedAccessKeyId()) : REPORTED;
      case "CreateUser" -> sweep("users").equals("contain") && user != null
          ? containUser(fleet.account(account), user) : REPORTED;
      case "CreateLoginProfile" -> sweep("loginProfiles").equals("revert") && user != null
          ? removeLogin(fleet.account(account), user) : REPORTED;
      case "AttachPolicyToUser", "AttachPolicyToRole", "AttachPolicyToGroup" -> sweep("policies").equals("revert")
          && action.getPolicyName() != null && action.getPolicyType() != null
          ? detach(fleet.account(account), action) : REPORTED;
      case "UpdateLoginProfile" -> REPORTED + ": a changed password cannot be restored; reset it";
      case "AssumeRole" -> REPORTED + ": what its session did is swept with the rest";
      default -> REPORTED;
    };
  }

  private String sweep(String kind) {
    return sweep(journal.getPersistencePolicy(), kind);
  }

  /** What the journal's policy says about a kind, or the default. */
  private static String sweep(java.util.Map<String, String> policy, String kind) {
    String word = policy.get(kind);
    return word != null ? word : io.leakguard.schemas.EnumWords.word(RemediationPolicy.SWEEP_DEFAULTS.get(kind));
  }

  /** Deletes one key the attacker made, after RAM lists it for the user right before; never one of LeakGuard's. */
  private String deleteKey(AlibabaCloud cloud, String user, String keyId) throws CloudException {
    if (keyId.equals(journal.getNewAccessKeyId()) || journal.getCreatedKeyIds().contains(keyId)) {
      return REPORTED + ": " + keyId + " is LeakGuard's own replacement";
    }
    List<AccessKey> keys = listKeys(cloud, user);
    if (keys == null || keys.stream().noneMatch(k -> k.accessKeyId().equals(keyId))) {
      return REVERTED + "AccessKey " + keyId + " of " + user + " was already gone";
    }
    deleteAccessKey(cloud, user, keyId, "the attacker's key");
    return REVERTED + "deleted AccessKey " + keyId + " of " + user;
  }

  /** A user the leaked key created: its keys deleted and its console login removed; the user itself stays. */
  private String containUser(AlibabaCloud cloud, String user) throws CloudException {
    List<AccessKey> keys = listKeys(cloud, user);
    if (keys == null) {
      return CONTAINED + "user " + user + " no longer exists";
    }
    int deleted = 0;
    for (AccessKey key : keys) {
      if (!key.accessKeyId().equals(journal.getNewAccessKeyId())) {
        deleteAccessKey(cloud, user, key.accessKeyId(), "a key of a user the attacker created");
        deleted++;
      }
    }
    String login = removeLogin(cloud, user);
    return CONTAINED + "user " + user + ": " + deleted + " key(s) deleted, " + (login.contains("already")
        ? "no console login" : "console login removed") + "; left for a person to delete";
  }

  private String removeLogin(AlibabaCloud cloud, String user) throws CloudException {
    // No login profile, or no user: nothing to remove.
    boolean removed = steps.step("DeleteLoginProfile", () -> unlessGone(() -> {
      cloud.ram().deleteLoginProfile(user);
      return true;
    }, false), done -> done ? "removed the console login of " + user : "no console login of " + user + " to remove");
    return REVERTED + (removed ? "removed the console login of " + user : "the console login of " + user
        + " was already gone");
  }

  private String detach(AlibabaCloud cloud, PersistenceAction action) throws CloudException {
    PolicyAttachment policy = new PolicyAttachment(action.getPolicyType(), action.getPolicyName());
    if (!POLICY_ATTACHMENTS.contains(action.getEventName())) {
      return REPORTED;
    }
    String kind = action.getEventName().substring("AttachPolicyTo".length());
    String target = switch (kind) {
      case "User" -> action.getUserName();
      case "Group" -> action.getGroupName();
      default -> action.getRoleName();
    };
    if (target == null) {
      return REPORTED;
    }
    String where = kind.toLowerCase(java.util.Locale.ROOT) + " " + target;
    // Not attached (any more), or the user, group or role is gone: nothing to detach.
    boolean detached = steps.step("DetachPolicyFrom" + kind, () -> unlessGone(() -> {
      switch (kind) {
        case "User" -> cloud.ram().detachPolicyFromUser(target, policy);
        case "Group" -> cloud.ram().detachPolicyFromGroup(target, policy);
        default -> cloud.ram().detachPolicyFromRole(target, policy);
      }
      return true;
    }, false), done -> (done ? "detached " : "already detached: ") + policy + " from " + where);
    return REVERTED + (detached ? "detached " + policy + " from " + where : policy + " was no longer attached to "
        + where);
  }

  /** The user's keys, or null when the user does not exist (any more). */
  private List<AccessKey> listKeys(AlibabaCloud cloud, String user) throws CloudException {
    return steps.step("ListAccessKeys", () -> unlessGone(() -> cloud.ram().listAccessKeys(user), null), keys -> keys == null ? "RAM user " + user + " does not exist" : "RAM user " + user + " has " + keys.size()
        + " key(s): " + keys.stream().map(AccessKey::accessKeyId).toList());
  }

  private void deleteAccessKey(AlibabaCloud cloud, String user, String keyId, String what) throws CloudException {
    steps.step("DeleteAccessKey", () -> unlessGone(() -> {
      cloud.ram().deleteAccessKey(user, keyId);
      return keyId;
    }, keyId), id -> "deleted " + id + " of " + user + ": " + what);
  }

  /** The call's answer, or {@code gone} when RAM says its target does not exist: every revert is idempotent. */
  private static <T> T unlessGone(StepJournal.CloudCall<T> call, T gone) throws CloudException {
    try {
      return call.call();
    } catch (CloudException e) {
      if (e.errorClass() != CloudErrorClass.NOT_FOUND) {
        throw e;
      }
      return gone;
    }
  }
}
