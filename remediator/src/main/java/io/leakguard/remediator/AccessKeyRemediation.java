package io.leakguard.remediator;

import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.KmsGateway.CurrentVersion;
import io.leakguard.cloud.RamGateway.AccessKey;
import io.leakguard.cloud.RamGateway.NewAccessKey;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationMode;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStrategy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Remediates a leaked RAM user AccessKey: replaces it (a new key stored in KMS) and deletes it, or rotates the KMS
 * RAMCredentials secret that manages it. The run starts by reconciling with the cloud, so it may be repeated after a
 * crash at any point: the leaked key's owner is re-read (ListAccessKeys) and the user's KMS secret's current version
 * read. A version named after the incident means the new key is stored; keys of the user created since the detection
 * that are neither that key nor older keys are orphans of an interrupted run: deleted first, then replaced. Only the
 * leaked AccessKey ID is ever disabled or deleted, and only after RAM lists it for the user again right before.
 *
 * <p>The new AccessKey secret exists only between CreateAccessKey's answer and KMS's PutSecretValue, inside
 * {@link io.leakguard.cloud.Secret}.
 */
final class AccessKeyRemediation {

  /** The target of a deletion is gone or ambiguous: the remediation stops and says why. */
  static final class TargetUnsafe extends RuntimeException {
    TargetUnsafe(String reason) {
      super(reason, null, false, false);
    }
  }

  private final CloudFleet fleet;
  private final String secretNameTemplate;
  private final StepJournal steps;
  private final RemediationJournal.Builder journal;

  private final java.time.Duration evidenceWindow;

  AccessKeyRemediation(CloudFleet fleet, String secretNameTemplate, StepJournal steps,
      java.time.Duration evidenceWindow) {
    this.evidenceWindow = evidenceWindow;
    this.fleet = fleet;
    this.secretNameTemplate = secretNameTemplate;
    this.steps = steps;
    this.journal = steps.entry();
  }

  /** The KMS secret name for a user: the template with {@code {accountId}} and {@code {userName}} filled in. */
  static String secretName(String template, String accountId, String userName) {
    return template.replace("{accountId}", accountId).replace("{userName}", userName);
  }

  /** Runs until the key is replaced and deleted, the incident waits for approval, or a cloud call fails (thrown). */
  void run() throws CloudException {
    if (journal.getRejecting()) {
      restoreAfterReject();
      return;
    }
    String leaked = journal.getAccessKeyId();
    Owner owner = journal.getOwner();
    boolean ourTrace = journal.getRounds() > 1 || !journal.getCreatedKeyIds().isEmpty()
        || steps.hasStep("DeleteAccessKey");
    List<AccessKey> keys = null;
    if (owner.getAccountId() != null && owner.getUserName() != null) {
      keys = steps.step("ListAccessKeys", () -> cloud(owner.getAccountId()).ram().listAccessKeys(owner.getUserName()),
          ks -> describe(ks, owner.getUserName()));
      if (!listed(keys, leaked) && !ourTrace && !storedForThisIncident(owner)) {
        keys = null; // the named owner no longer has it and not because of us: search the fleet first
      }
    }
    if (keys == null) {
      CloudFleet.OwnerSearch search = steps.step("FindOwner", () -> fleet.findOwner(leaked),
          result -> result.owner().map(o -> "owned by RAM user " + o.owner().user().userName() + " in account "
              + o.accountId()).orElse(result.inconclusive() ? "not found; accounts not searched: "
              + result.failedAccounts().keySet() : "not a RAM user key of any account of the fleet"));
      if (search.inconclusive()) {
        steps.finish(RemediationStatus.FAILED, "the owner is unknown: accounts " + search.failedAccounts()
            + " could not be searched");
        return;
      }
      if (search.owner().isEmpty()) {
        journal.setRemediationStrategy(RemediationStrategy.ESCALATE);
        steps.finish(RemediationStatus.ESCALATED, "the key belongs to no RAM user of the fleet's accounts "
            + fleet.accountIds() + " (a root key, a key outside the fleet, or already deleted): the security team "
            + "decides");
        return;
      }
      CloudFleet.FleetOwner found = search.owner().get();
      String user = found.owner().user().userName();
      journal.setOwner(Owner.newBuilder(owner).setAccountId(found.accountId()).setUserName(user)
          .setArn("acs:ram::" + found.accountId() + ":user/" + user)
          .setDisplayName(found.owner().user().displayName()).setEmail(found.owner().user().email()).build());
      journal.setOwnerKind(OwnerKind.RAM_USER);
      keys = steps.step("ListAccessKeys", () -> cloud(found.accountId()).ram().listAccessKeys(user),
          ks -> describe(ks, user));
    }
    String account = journal.getOwner().getAccountId();
    String user = journal.getOwner().getUserName();
    AlibabaCloud cloud = cloud(account);
    String secretName = journal.getKmsSecretName() != null ? journal.getKmsSecretName()
        : secretName(secretNameTemplate, account, user);
    journal.setKmsSecretName(secretName);
    Optional<CurrentVersion> current = steps.step("ReadKmsCurrent", () -> cloud.kms().currentVersion(secretName),
        v -> v.map(c -> "ACSCurrent of " + secretName + " is version " + c.versionId()
            + (c.accessKeyId() == null ? "" : " holding " + c.accessKeyId()) + " (" + c.secretType() + ")")
            .orElse(secretName + " does not exist yet"));
    String incident = journal.getIncidentId();
    boolean managed = current.map(c -> "RAMCredentials".equalsIgnoreCase(c.secretType())).orElse(false);
    String stored = current.filter(c -> incident.equals(c.versionId())).map(CurrentVersion::accessKeyId).orElse(null);
    boolean leakedListed = listed(keys, leaked);

    // Keys of the user other than the leaked one: older ones are never touched; newer ones that KMS does not hold
    // as this incident's version are what an interrupted run created and never stored.
    Instant since = journal.getTimeline().getDetectedAt().truncatedTo(ChronoUnit.SECONDS);
    Set<String> preexisting = new LinkedHashSet<>(journal.getPreexistingKeyIds());
    List<String> orphans = new ArrayList<>();
    for (AccessKey key : keys) {
      if (key.accessKeyId().equals(leaked) || key.accessKeyId().equals(stored)) {
        continue;
      }
      boolean ours = journal.getCreatedKeyIds().contains(key.accessKeyId());
      if (!ours && (preexisting.contains(key.accessKeyId()) || createdBefore(key, since))) {
        preexisting.add(key.accessKeyId());
      } else if (!managed) {
        orphans.add(key.accessKeyId());
      }
    }
    journal.setPreexistingKeyIds(List.copyOf(preexisting));

    RemediationStrategy strategy = managed ? RemediationStrategy.ROTATE_SECRET : journal.getRemediationStrategy();
    if (strategy == RemediationStrategy.REPLACE_FIRST && leakedListed && stored == null && !preexisting.isEmpty()) {
      // RAM allows two keys: the user's other key is never touched, so the leaked one must go first (or a person
      // decides).
      strategy = journal.getFallbackStrategy();
    }
    journal.setRemediationStrategy(strategy);
    List<String> plan = RemediationPlan.forKey(strategy, incident, journal.getMaskedKey(), account, user, secretName,
        orphans, leakedListed, stored);
    List<String> sweep = PersistenceSweep.plan(steps.snapshot());
    if (!sweep.isEmpty()) {
      plan = new ArrayList<>(plan);
      plan.addAll(sweep);
    }
    journal.setPlan(plan);

    if (!leakedListed && stored == null && !managed && !ourTrace) {
      steps.finish(RemediationStatus.SKIPPED, "the leaked key " + journal.getMaskedKey()
          + " is no longer listed for RAM user " + user + ": it was deleted outside this remediation; nothing was "
          + "touched");
      return;
    }
    if (journal.getRemediationMode() == RemediationMode.DRY_RUN) {
      steps.finish(RemediationStatus.PLANNED, "dry run: nothing was touched");
      return;
    }
    if (strategy == RemediationStrategy.ESCALATE) {
      steps.finish(RemediationStatus.ESCALATED, preexisting.isEmpty() ? "the policy escalates this key"
          : "RAM user " + user + " already has another key, which is never touched, and the policy escalates "
              + "instead of deleting the leaked key first");
      return;
    }
    if ((journal.getRemediationMode() == RemediationMode.APPROVE || journal.getPausedBy() != null)
        && journal.getPhase() == JournalPhase.PENDING) {
      awaitApproval(cloud, user, leakedListed);
      return;
    }
    // Before anything is destroyed: what a responder needs later (the user's keys and policies, the persistence).
    Evidence.record(steps, cloud, account, null, evidenceWindow);
    if (managed) {
      rotateManagedSecret(cloud, user, secretName, current.get());
      return;
    }
    for (String orphan : orphans) {
      steps.step("DeleteOrphanKey", () -> {
        cloud.ram().deleteAccessKey(user, orphan);
        return orphan;
      }, id -> "deleted " + id + ": created by an interrupted run of this incident and never stored in KMS");
    }
    if (stored == null) {
      if (strategy == RemediationStrategy.REVOKE_FIRST && leakedListed) {
        deleteLeaked(cloud, user, null);
        leakedListed = false;
      }
      NewAccessKey created = steps.step("CreateAccessKey", () -> {
        NewAccessKey key = cloud.ram().createAccessKey(user);
        journal.setCreatedKeyIds(append(journal.getCreatedKeyIds(), key.accessKeyId()));
        return key;
      }, key -> "created " + key.accessKeyId());
      steps.step("StoreSecret", () -> {
        cloud.kms().storeAccessKey(secretName, incident, created.accessKeyId(), created.secret());
        return secretName;
      }, name -> "stored " + created.accessKeyId() + " as ACSCurrent of " + name + ", version " + incident);
      stored = created.accessKeyId();
    }
    journal.setNewAccessKeyId(stored).setKmsSecretVersion(incident);
    if (leakedListed) {
      deleteLeaked(cloud, user, stored);
    } else if (journal.getNeutralizedAt() == null) {
      // An earlier run deleted the key and crashed before its journal was committed: the key is gone as of now, the
      // latest time its deletion can have happened (found by the chaos test: kill -9 between the deletion and the
      // commit left the outcome without a neutralization time).
      journal.setNeutralizedAt(steps.now());
    }
    sweepThenFinish();
  }

  /** The leaked key is gone: undo what it created (the persistence sweep), then the incident is ROTATED. */
  private void sweepThenFinish() throws CloudException {
    new PersistenceSweep(fleet, steps).run();
    steps.finish(io.leakguard.schemas.RemediationStatus.ROTATED, null);
  }

  /** True when KMS holds a version named after this incident for the user: an earlier run stored the new key. */
  private boolean storedForThisIncident(Owner owner) throws CloudException {
    String name = journal.getKmsSecretName() != null ? journal.getKmsSecretName()
        : secretName(secretNameTemplate, owner.getAccountId(), owner.getUserName());
    Optional<CurrentVersion> current = steps.step("ReadKmsCurrent", () -> cloud(owner.getAccountId()).kms()
        .currentVersion(name), v -> v.map(c -> "ACSCurrent of " + name + " is version " + c.versionId())
        .orElse(name + " does not exist yet"));
    return current.map(c -> journal.getIncidentId().equals(c.versionId())).orElse(false);
  }

  private void rotateManagedSecret(AlibabaCloud cloud, String user, String secretName, CurrentVersion current)
      throws CloudException {
    String incident = journal.getIncidentId();
    if (!incident.equals(current.versionId())) {
      steps.step("RotateSecret", () -> {
        cloud.kms().rotateSecret(secretName, incident);
        return secretName;
      }, name -> "KMS rotated " + name + " (RAMCredentials) to version " + incident);
    }
    CurrentVersion rotated = steps.step("ReadKmsCurrent", () -> cloud.kms().currentVersion(secretName).orElseThrow(
            () -> new CloudException(CloudErrorClass.NOT_FOUND, "LeakGuard.SecretGone", secretName + " vanished",
                null, null)),
        c -> "ACSCurrent of " + secretName + " is version " + c.versionId() + " holding " + c.accessKeyId());
    if (journal.getAccessKeyId().equals(rotated.accessKeyId())) {
      steps.finish(RemediationStatus.FAILED, "KMS still holds the leaked key as ACSCurrent of " + secretName);
      return;
    }
    journal.setNewAccessKeyId(rotated.accessKeyId()).setKmsSecretVersion(rotated.versionId());
    List<AccessKey> keys = steps.step("ListAccessKeys", () -> cloud.ram().listAccessKeys(user),
        ks -> describe(ks, user));
    if (listed(keys, journal.getAccessKeyId())) {
      deleteLeaked(cloud, user, rotated.accessKeyId());
    } else if (journal.getNeutralizedAt() == null) {
      journal.setNeutralizedAt(steps.now());
    }
    sweepThenFinish();
  }

  /** Reads the user's keys again right before acting, then deletes exactly the leaked key, or stops. */
  private void deleteLeaked(AlibabaCloud cloud, String user, String newKey) throws CloudException {
    String leaked = journal.getAccessKeyId();
    List<AccessKey> keys = steps.step("ConfirmTarget", () -> cloud.ram().listAccessKeys(user),
        ks -> describe(ks, user));
    long matches = keys.stream().filter(k -> k.accessKeyId().equals(leaked)).count();
    if (matches != 1 || leaked.equals(newKey)) {
      throw new TargetUnsafe(matches == 0 ? "the leaked key is no longer listed for RAM user " + user
          + " right before deletion; nothing was deleted" : "the target is ambiguous (" + matches
          + " keys match, new key " + newKey + "); nothing was deleted");
    }
    steps.step("DeleteAccessKey", () -> {
      try {
        cloud.ram().deleteAccessKey(user, leaked);
      } catch (CloudException e) {
        if (e.errorClass() != CloudErrorClass.NOT_FOUND) {
          throw e;
        }
      }
      return leaked;
    }, id -> "deleted the leaked key " + journal.getMaskedKey());
    journal.setNeutralizedAt(steps.now());
  }

  private void awaitApproval(AlibabaCloud cloud, String user, boolean leakedListed) throws CloudException {
    if (journal.getContain() && leakedListed && !journal.getContained()) {
      List<AccessKey> keys = steps.step("ConfirmTarget", () -> cloud.ram().listAccessKeys(user),
          ks -> describe(ks, user));
      if (listed(keys, journal.getAccessKeyId())) {
        String waitingFor = journal.getPausedBy() != null ? "the pause to end" : "approval";
        if (!restrict(cloud, user, waitingFor)) {
          steps.step("UpdateAccessKey", () -> {
            cloud.ram().updateAccessKey(user, journal.getAccessKeyId(), "Inactive");
            return "Inactive";
          }, s -> "disabled the leaked key " + journal.getMaskedKey() + " (reversible) while waiting for "
              + waitingFor);
          journal.setContained(true).setContainedBy(DISABLED);
        }
      }
    }
    journal.setPhase(JournalPhase.AWAITING_APPROVAL)
        .setStatus(journal.getContained() ? RemediationStatus.CONTAINED : RemediationStatus.AWAITING_APPROVAL)
        .setReason(journal.getPausedBy() != null ? Journals.heldReason(journal.getPausedBy())
            : "waiting for approval: leakguard approve " + journal.getIncidentId() + " (or reject)");
    steps.publish();
  }

  static final String NETWORK_POLICY = "network policy";
  static final String DISABLED = "disabled";

  /**
   * Graduated containment: restricts the leaked key with an AccessKey network access restriction policy that allows
   * only its known addresses, so its applications keep working while the attacker's calls are refused. The key's
   * previous policy is journaled first and restored on reject. False when the rule says disable, no address is
   * known, or IMS refused for good (the caller then disables the key); a transient error is thrown and retried.
   * https://www.alibabacloud.com/help/en/ram/user-guide/accesskey-network-access-restriction-policy
   */
  private boolean restrict(AlibabaCloud cloud, String user, String waitingFor) throws CloudException {
    if (!"restrict".equals(journal.getContainment()) || journal.getKnownIps().isEmpty()) {
      return false;
    }
    String account = journal.getOwner().getAccountId();
    String leaked = journal.getAccessKeyId();
    try {
      if (journal.getPreviousKeyPolicy() == null) {
        String previous = steps.step("GetAccessKeyPolicy", () -> cloud.ram().accessKeyPolicy(account, user, leaked),
            p -> "the leaked key's network access policy before containment: " + p);
        journal.setPreviousKeyPolicy(previous);
      }
      String policy = KeyNetworkPolicy.allowOnly(journal.getKnownIps(), journal.getPreviousKeyPolicy());
      steps.step("SetAccessKeyPolicy", () -> {
        cloud.ram().setAccessKeyPolicy(account, user, leaked, policy);
        return policy;
      }, p -> "restricted the leaked key " + journal.getMaskedKey() + " to " + journal.getKnownIps()
          + " (its addresses before the leak) while waiting for " + waitingFor + ": " + p);
    } catch (CloudException e) {
      if (e.errorClass().retryable()) {
        throw e;
      }
      return false; // journaled as a failed step; disabling is the fallback
    }
    journal.setContained(true).setContainedBy(NETWORK_POLICY);
    return true;
  }

  /**
   * A person rejected the remediation of a key contained by a network policy: its previous policy goes back (the
   * state before LeakGuard touched it), then the incident is REJECTED.
   */
  private void restoreAfterReject() throws CloudException {
    String account = journal.getOwner().getAccountId();
    String user = journal.getOwner().getUserName();
    String previous = journal.getPreviousKeyPolicy() != null ? journal.getPreviousKeyPolicy()
        : io.leakguard.cloud.RamGateway.NO_ACCESS_KEY_POLICY;
    String restored = steps.step("SetAccessKeyPolicy", () -> {
      try {
        cloud(account).ram().setAccessKeyPolicy(account, user, journal.getAccessKeyId(), previous);
        return "restored the leaked key's network access policy from before containment: " + previous;
      } catch (CloudException e) {
        if (e.errorClass() != CloudErrorClass.NOT_FOUND) {
          throw e;
        }
        return "the leaked key no longer exists: nothing to restore";
      }
    }, detail -> detail);
    journal.setContained(false);
    steps.finish(RemediationStatus.REJECTED, journal.getReason() + "; " + restored.replaceFirst(":.*", ""));
  }

  private static boolean createdBefore(AccessKey key, Instant since) {
    try {
      return key.createDate() != null && Instant.parse(key.createDate()).isBefore(since);
    } catch (RuntimeException unparsable) {
      return true; // unknown age: treat as the user's own key, never touched
    }
  }

  private static boolean listed(List<AccessKey> keys, String id) {
    return keys.stream().anyMatch(k -> k.accessKeyId().equals(id));
  }

  private static String describe(List<AccessKey> keys, String user) {
    return "RAM user " + user + " has " + keys.size() + " key(s): "
        + keys.stream().map(k -> k.accessKeyId() + " " + k.status()).toList();
  }

  private AlibabaCloud cloud(String accountId) throws CloudException {
    return fleet.account(accountId);
  }

  private static List<String> append(List<String> list, String value) {
    List<String> copy = new ArrayList<>(list);
    copy.add(value);
    return List.copyOf(copy);
  }
}
