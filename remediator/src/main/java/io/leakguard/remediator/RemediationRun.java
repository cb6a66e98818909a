package io.leakguard.remediator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudErrorClass;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.KmsGateway.CurrentVersion;
import io.leakguard.cloud.RamGateway.AccessKey;
import io.leakguard.cloud.RamGateway.NewAccessKey;
import io.leakguard.cloud.RamGateway.PolicyAttachment;
import io.leakguard.cloud.RamGateway.Role;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One run (or resumption) of one incident's cloud work, on a worker thread. Every step is journaled when it starts and
 * when it ends (each snapshot goes to {@code progress}); every step is idempotent and the run starts by reconciling
 * with the cloud, so it may be repeated after a crash at any point:
 *
 * <ul>
 *   <li>RAM user key: the leaked key's owner is re-read (ListAccessKeys) and the user's KMS secret's current version
 *       read. A version named after the incident means the new key is stored; keys of the user created since the
 *       detection that are neither that key nor older keys are orphans of an interrupted run: deleted first, then
 *       replaced. Only the leaked AccessKey ID is ever disabled or deleted, and only after RAM lists it for the user
 *       again right before.</li>
 *   <li>STS token: the role and its policies are recorded in KMS (a Generic secret per role, the incident as version)
 *       before anything is changed, so a resumed run, and {@code leakguard restore}, find the exact record.</li>
 * </ul>
 *
 * <p>The new AccessKey secret exists only between CreateAccessKey's answer and KMS's PutSecretValue, inside
 * {@link io.leakguard.cloud.Secret}.
 */
final class RemediationRun {

  /** The run was cancelled (its task moved to another instance or the service stops): stop silently. */
  static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  @FunctionalInterface
  interface CloudCall<T> {
    T call() throws CloudException;
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CloudFleet fleet;
  private final String secretNameTemplate;
  private final Clock clock;
  private final RemediationJournal.Builder journal;
  private final Consumer<RemediationJournal> progress;
  private final BooleanSupplier cancelled;
  private final List<JournalStep> steps;

  RemediationRun(CloudFleet fleet, String secretNameTemplate, Clock clock, RemediationJournal journal,
      Consumer<RemediationJournal> progress, BooleanSupplier cancelled) {
    this.fleet = fleet;
    this.secretNameTemplate = secretNameTemplate;
    this.clock = clock;
    this.journal = RemediationJournal.newBuilder(journal);
    this.progress = progress;
    this.cancelled = cancelled;
    this.steps = new ArrayList<>(journal.getSteps());
  }

  /** The KMS secret name for a user: the template with {@code {accountId}} and {@code {userName}} filled in. */
  static String secretName(String template, String accountId, String userName) {
    return template.replace("{accountId}", accountId).replace("{userName}", userName);
  }

  /** Where the record of a role is kept before it is changed. */
  static String roleRecordName(String accountId, String roleName) {
    return "leakguard/" + accountId + "/roles/" + roleName;
  }

  RemediationJournal journal() {
    return journal.build();
  }

  /** Runs until the incident is finished, waits for approval, or a cloud call fails (thrown). */
  void run() throws CloudException {
    journal.setRounds(journal.getRounds() + 1);
    publish();
    if (Journals.isStsToken(journal.build())) {
      stsToken();
    } else {
      accessKey();
    }
  }

  /** Ends the incident as FAILED with the reason (a permanent error, or retries exhausted). */
  void fail(CloudException error) {
    String step = steps.isEmpty() ? "start" : steps.get(steps.size() - 1).getName();
    finish(RemediationStatus.FAILED, step + " failed: " + error.getMessage());
  }

  // ---------------------------------------------------------------- RAM user AccessKey

  private void accessKey() throws CloudException {
    String leaked = journal.getAccessKeyId();
    Owner owner = journal.getOwner();
    boolean ourTrace = journal.getRounds() > 1 || !journal.getCreatedKeyIds().isEmpty()
        || steps.stream().anyMatch(s -> s.getName().equals("DeleteAccessKey"));
    List<AccessKey> keys = null;
    if (owner.getAccountId() != null && owner.getUserName() != null) {
      keys = step("ListAccessKeys", () -> cloud(owner.getAccountId()).ram().listAccessKeys(owner.getUserName()),
          ks -> describe(ks, owner.getUserName()));
      if (!listed(keys, leaked) && !ourTrace && !storedForThisIncident(owner)) {
        keys = null; // the named owner no longer has it and not because of us: search the fleet first
      }
    }
    if (keys == null) {
      CloudFleet.OwnerSearch search = step("FindOwner", () -> fleet.findOwner(leaked),
          result -> result.owner().map(o -> "owned by RAM user " + o.owner().user().userName() + " in account "
              + o.accountId()).orElse(result.inconclusive() ? "not found; accounts not searched: "
              + result.failedAccounts().keySet() : "not a RAM user key of any account of the fleet"));
      if (search.inconclusive()) {
        finish(RemediationStatus.FAILED, "the owner is unknown: accounts " + search.failedAccounts()
            + " could not be searched");
        return;
      }
      if (search.owner().isEmpty()) {
        journal.setStrategy("escalate");
        finish(RemediationStatus.ESCALATED, "the key belongs to no RAM user of the fleet's accounts "
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
      keys = step("ListAccessKeys", () -> cloud(found.accountId()).ram().listAccessKeys(user),
          ks -> describe(ks, user));
    }
    String account = journal.getOwner().getAccountId();
    String user = journal.getOwner().getUserName();
    AlibabaCloud cloud = cloud(account);
    String secretName = journal.getKmsSecretName() != null ? journal.getKmsSecretName()
        : secretName(secretNameTemplate, account, user);
    journal.setKmsSecretName(secretName);
    Optional<CurrentVersion> current = step("ReadKmsCurrent", () -> cloud.kms().currentVersion(secretName),
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

    String strategy = managed ? "rotate-secret" : journal.getStrategy();
    if (strategy.equals("replace-first") && leakedListed && stored == null && !preexisting.isEmpty()) {
      // RAM allows two keys: the user's other key is never touched, so the leaked one must go first (or a person
      // decides).
      strategy = journal.getFallback();
    }
    journal.setStrategy(strategy);
    List<String> plan = keyPlan(strategy, account, user, secretName, orphans, leakedListed, stored);
    journal.setPlan(plan);

    if (!leakedListed && stored == null && !managed && !ourTrace) {
      finish(RemediationStatus.SKIPPED, "the leaked key " + journal.getMaskedKey() + " is no longer listed for RAM "
          + "user " + user + ": it was deleted outside this remediation; nothing was touched");
      return;
    }
    if (journal.getMode().equals("dry-run")) {
      finish(RemediationStatus.PLANNED, "dry run: nothing was touched");
      return;
    }
    if (strategy.equals("escalate")) {
      finish(RemediationStatus.ESCALATED, preexisting.isEmpty() ? "the policy escalates this key"
          : "RAM user " + user + " already has another key, which is never touched, and the policy escalates "
              + "instead of deleting the leaked key first");
      return;
    }
    if (journal.getMode().equals("approve") && journal.getPhase() == JournalPhase.PENDING) {
      awaitApproval(cloud, user, leakedListed);
      return;
    }
    if (managed) {
      rotateManagedSecret(cloud, user, secretName, current.get());
      return;
    }
    for (String orphan : orphans) {
      step("DeleteOrphanKey", () -> {
        cloud.ram().deleteAccessKey(user, orphan);
        return orphan;
      }, id -> "deleted " + id + ": created by an interrupted run of this incident and never stored in KMS");
    }
    if (stored == null) {
      if (strategy.equals("revoke-first") && leakedListed) {
        deleteLeaked(cloud, user, null);
        leakedListed = false;
      }
      NewAccessKey created = step("CreateAccessKey", () -> {
        NewAccessKey key = cloud.ram().createAccessKey(user);
        journal.setCreatedKeyIds(append(journal.getCreatedKeyIds(), key.accessKeyId()));
        return key;
      }, key -> "created " + key.accessKeyId());
      step("StoreSecret", () -> {
        cloud.kms().storeAccessKey(secretName, incident, created.accessKeyId(), created.secret());
        return secretName;
      }, name -> "stored " + created.accessKeyId() + " as ACSCurrent of " + name + ", version " + incident);
      stored = created.accessKeyId();
    }
    journal.setNewAccessKeyId(stored).setKmsSecretVersion(incident);
    if (leakedListed) {
      deleteLeaked(cloud, user, stored);
    }
    finish(RemediationStatus.ROTATED, null);
  }

  /** True when KMS holds a version named after this incident for the user: an earlier run stored the new key. */
  private boolean storedForThisIncident(Owner owner) throws CloudException {
    String name = journal.getKmsSecretName() != null ? journal.getKmsSecretName()
        : secretName(secretNameTemplate, owner.getAccountId(), owner.getUserName());
    Optional<CurrentVersion> current = step("ReadKmsCurrent", () -> cloud(owner.getAccountId()).kms()
        .currentVersion(name), v -> v.map(c -> "ACSCurrent of " + name + " is version " + c.versionId())
        .orElse(name + " does not exist yet"));
    return current.map(c -> journal.getIncidentId().equals(c.versionId())).orElse(false);
  }

  private void rotateManagedSecret(AlibabaCloud cloud, String user, String secretName, CurrentVersion current)
      throws CloudException {
    String incident = journal.getIncidentId();
    if (!incident.equals(current.versionId())) {
      step("RotateSecret", () -> {
        cloud.kms().rotateSecret(secretName, incident);
        return secretName;
      }, name -> "KMS rotated " + name + " (RAMCredentials) to version " + incident);
    }
    CurrentVersion rotated = step("ReadKmsCurrent", () -> cloud.kms().currentVersion(secretName).orElseThrow(
            () -> new CloudException(CloudErrorClass.NOT_FOUND, "LeakGuard.SecretGone", secretName + " vanished",
                null, null)),
        c -> "ACSCurrent of " + secretName + " is version " + c.versionId() + " holding " + c.accessKeyId());
    if (journal.getAccessKeyId().equals(rotated.accessKeyId())) {
      finish(RemediationStatus.FAILED, "KMS still holds the leaked key as ACSCurrent of " + secretName);
      return;
    }
    journal.setNewAccessKeyId(rotated.accessKeyId()).setKmsSecretVersion(rotated.versionId());
    List<AccessKey> keys = step("ListAccessKeys", () -> cloud.ram().listAccessKeys(user), ks -> describe(ks, user));
    if (listed(keys, journal.getAccessKeyId())) {
      deleteLeaked(cloud, user, rotated.accessKeyId());
    } else if (journal.getNeutralizedAt() == null) {
      journal.setNeutralizedAt(clock.instant());
    }
    finish(RemediationStatus.ROTATED, null);
  }

  /** Reads the user's keys again right before acting, then deletes exactly the leaked key, or stops. */
  private void deleteLeaked(AlibabaCloud cloud, String user, String newKey) throws CloudException {
    String leaked = journal.getAccessKeyId();
    List<AccessKey> keys = step("ConfirmTarget", () -> cloud.ram().listAccessKeys(user),
        ks -> describe(ks, user));
    long matches = keys.stream().filter(k -> k.accessKeyId().equals(leaked)).count();
    if (matches != 1 || leaked.equals(newKey)) {
      throw new TargetUnsafe(matches == 0 ? "the leaked key is no longer listed for RAM user " + user
          + " right before deletion; nothing was deleted" : "the target is ambiguous (" + matches
          + " keys match, new key " + newKey + "); nothing was deleted");
    }
    step("DeleteAccessKey", () -> {
      try {
        cloud.ram().deleteAccessKey(user, leaked);
      } catch (CloudException e) {
        if (e.errorClass() != CloudErrorClass.NOT_FOUND) {
          throw e;
        }
      }
      return leaked;
    }, id -> "deleted the leaked key " + journal.getMaskedKey());
    journal.setNeutralizedAt(clock.instant());
  }

  /** The target of a deletion is gone or ambiguous: the remediation stops and says why. */
  static final class TargetUnsafe extends RuntimeException {
    TargetUnsafe(String reason) {
      super(reason, null, false, false);
    }
  }

  private void awaitApproval(AlibabaCloud cloud, String user, boolean leakedListed) throws CloudException {
    if (journal.getContain() && leakedListed && !journal.getContained()) {
      List<AccessKey> keys = step("ConfirmTarget", () -> cloud.ram().listAccessKeys(user), ks -> describe(ks, user));
      if (listed(keys, journal.getAccessKeyId())) {
        step("UpdateAccessKey", () -> {
          cloud.ram().updateAccessKey(user, journal.getAccessKeyId(), "Inactive");
          return "Inactive";
        }, s -> "disabled the leaked key " + journal.getMaskedKey() + " (reversible) while waiting for approval");
        journal.setContained(true);
      }
    }
    journal.setPhase(JournalPhase.AWAITING_APPROVAL)
        .setStatus(journal.getContained() ? RemediationStatus.CONTAINED : RemediationStatus.AWAITING_APPROVAL)
        .setReason("waiting for approval: leakguard approve " + journal.getIncidentId() + " (or reject)");
    publish();
  }

  private List<String> keyPlan(String strategy, String account, String user, String secretName,
      List<String> orphans, boolean leakedListed, String stored) {
    List<String> plan = new ArrayList<>();
    String where = " (account " + account + ")";
    String incident = journal.getIncidentId();
    String delete = "RAM DeleteAccessKey " + journal.getMaskedKey() + " of user " + user + where;
    switch (strategy) {
      case "rotate-secret" -> {
        plan.add("KMS RotateSecret " + secretName + " VersionId=" + incident);
        if (leakedListed) {
          plan.add(delete + " if the rotation left it");
        }
      }
      case "escalate" -> plan.add("none: escalate to the security team");
      default -> {
        orphans.forEach(o -> plan.add("RAM DeleteAccessKey " + o + " of user " + user + " (orphan)" + where));
        if (strategy.equals("revoke-first") && leakedListed && stored == null) {
          plan.add(delete);
        }
        if (stored == null) {
          plan.add("RAM CreateAccessKey for user " + user + where);
          plan.add("KMS PutSecretValue " + secretName + " VersionId=" + incident + " (CreateSecret when absent)");
        }
        if (strategy.equals("replace-first") && leakedListed) {
          plan.add(delete);
        }
      }
    }
    return plan;
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

  // ---------------------------------------------------------------- STS token

  private void stsToken() throws CloudException {
    Owner owner = journal.getOwner();
    if (owner.getAccountId() == null || owner.getRoleName() == null) {
      journal.setStrategy("escalate");
      finish(RemediationStatus.ESCALATED, "the token's role is unknown: the security team decides");
      return;
    }
    String account = owner.getAccountId();
    String roleName = owner.getRoleName();
    String strategy = journal.getStrategy();
    journal.setRoleName(roleName);
    if (strategy.equals("escalate")) {
      finish(RemediationStatus.ESCALATED, "the policy escalates leaked tokens of role " + roleName);
      return;
    }
    AlibabaCloud cloud = cloud(account);
    String recordName = roleRecordName(account, roleName);
    String incident = journal.getIncidentId();
    Optional<String> recorded = step("ReadRoleRecord", () -> cloud.kms().textVersion(recordName, incident),
        r -> r.map(x -> "found the record " + recordName + "#" + incident).orElse("no record yet"));
    RoleRecord record;
    if (recorded.isPresent()) {
      record = RoleRecord.parse(recorded.get());
    } else {
      Role role = step("GetRole", () -> cloud.ram().getRole(roleName),
          r -> "role " + r.roleName() + " is " + r.roleId() + ", max session " + r.maxSessionDuration() + " s");
      List<PolicyAttachment> policies = step("ListPoliciesForRole", () -> cloud.ram().listPoliciesForRole(roleName),
          ps -> "attached: " + ps);
      record = new RoleRecord(role.roleId(), role.roleName(), role.trustPolicy(), role.description(),
          role.maxSessionDuration(), policies.stream().map(PolicyAttachment::toString).toList());
    }
    journal.setOldRoleId(record.roleId()).setMaxSessionDuration(record.maxSessionDuration())
        .setDetachedPolicies(record.policies()).setRoleRecord(recordName + "#" + incident);
    List<String> plan = new ArrayList<>();
    plan.add("KMS PutSecretValue " + recordName + " VersionId=" + incident + " (the role and its policies)");
    record.policies().forEach(p -> plan.add("RAM DetachPolicyFromRole " + p + " from " + roleName));
    if (strategy.equals("reincarnate")) {
      plan.add("RAM DeleteRole " + roleName);
      plan.add("RAM CreateRole " + roleName + " (same trust policy, max session " + record.maxSessionDuration()
          + " s, description)");
      record.policies().forEach(p -> plan.add("RAM AttachPolicyToRole " + p + " to " + roleName));
    }
    journal.setPlan(plan);
    if (journal.getMode().equals("dry-run")) {
      finish(RemediationStatus.PLANNED, "dry run: nothing was touched");
      return;
    }
    if (journal.getMode().equals("approve") && journal.getPhase() == JournalPhase.PENDING) {
      journal.setPhase(JournalPhase.AWAITING_APPROVAL).setStatus(RemediationStatus.AWAITING_APPROVAL)
          .setReason("waiting for approval: leakguard approve " + incident + " (or reject)");
      publish();
      return;
    }
    if (recorded.isEmpty()) {
      // Durable before anything changes: a resumed run and `leakguard restore` read exactly this.
      step("RecordRole", () -> {
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
        step("DetachPolicyFromRole", () -> {
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
      if (strategy.equals("purge")) {
        journal.setNeutralizedAt(clock.instant());
        finish(RemediationStatus.NEUTRALIZED, null);
        return;
      }
      step("DeleteRole", () -> {
        cloud.ram().deleteRole(roleName);
        return roleName;
      }, r -> "deleted role " + roleName + " (" + record.roleId() + "): every token it issued is dead");
      journal.setNeutralizedAt(clock.instant());
      now = Optional.empty();
    } else if (strategy.equals("purge")) {
      finish(RemediationStatus.FAILED, now.isEmpty() ? "role " + roleName + " no longer exists"
          : "role " + roleName + " was recreated by someone else (RoleId " + now.get().roleId() + ")");
      return;
    }
    if (journal.getNeutralizedAt() == null) {
      journal.setNeutralizedAt(clock.instant()); // resumed after DeleteRole: the old role is gone either way
    }
    Role recreated;
    if (now.isEmpty()) {
      recreated = step("CreateRole", () -> cloud.ram().createRole(roleName, record.trustPolicy(),
          record.description(), record.maxSessionDuration()), r -> "recreated " + roleName + " as " + r.roleId());
    } else {
      recreated = now.get();
    }
    journal.setNewRoleId(recreated.roleId());
    Set<String> attached = new LinkedHashSet<>(cloud.ram().listPoliciesForRole(roleName).stream()
        .map(PolicyAttachment::toString).toList());
    for (String policy : record.policies()) {
      if (!attached.contains(policy)) {
        step("AttachPolicyToRole", () -> {
          cloud.ram().attachPolicyToRole(roleName, attachment(policy));
          return policy;
        }, p -> "re-attached " + p + " to " + roleName);
      }
    }
    finish(RemediationStatus.NEUTRALIZED, null);
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

  /** A role as it was before LeakGuard changed it: what it takes to recreate it and re-attach its policies. */
  record RoleRecord(String roleId, String roleName, String trustPolicy, String description, long maxSessionDuration,
      List<String> policies) {

    String toJson() {
      ObjectNode node = JSON.createObjectNode();
      node.put("roleId", roleId).put("roleName", roleName).put("trustPolicy", trustPolicy)
          .put("description", description).put("maxSessionDuration", maxSessionDuration);
      policies.forEach(node.putArray("policies")::add);
      if (policies.isEmpty()) {
        node.putArray("policies");
      }
      return node.toString();
    }

    static RoleRecord parse(String json) {
      try {
        JsonNode node = JSON.readTree(json);
        List<String> policies = new ArrayList<>();
        node.path("policies").forEach(p -> policies.add(p.asText()));
        return new RoleRecord(node.path("roleId").asText(), node.path("roleName").asText(),
            node.path("trustPolicy").asText(), node.path("description").isNull() ? null
            : node.path("description").asText(null), node.path("maxSessionDuration").asLong(3600),
            List.copyOf(policies));
      } catch (IOException e) {
        throw new IllegalStateException("the role record is not JSON", e);
      }
    }
  }

  // ---------------------------------------------------------------- journal

  private AlibabaCloud cloud(String accountId) throws CloudException {
    return fleet.account(accountId);
  }

  private <T> T step(String name, CloudCall<T> call, Function<T, String> describe) throws CloudException {
    if (cancelled.getAsBoolean()) {
      throw new Cancelled();
    }
    Instant started = clock.instant();
    steps.add(JournalStep.newBuilder().setName(name).setStartedAt(started).setOutcome("STARTED").build());
    publish();
    try {
      T result = call.call();
      end(name, started, "OK", describe.apply(result));
      return result;
    } catch (CloudException e) {
      end(name, started, "FAILED", e.getMessage());
      throw e;
    }
  }

  private void end(String name, Instant started, String outcome, String detail) {
    steps.set(steps.size() - 1, JournalStep.newBuilder().setName(name).setStartedAt(started)
        .setFinishedAt(clock.instant()).setOutcome(outcome).setDetail(detail).build());
    publish();
  }

  void finish(RemediationStatus status, String reason) {
    journal.setStatus(status).setReason(reason).setPhase(JournalPhase.DONE);
    publish();
  }

  private void publish() {
    journal.setSteps(List.copyOf(steps));
    progress.accept(journal.build());
  }

  private static List<String> append(List<String> list, String value) {
    List<String> copy = new ArrayList<>(list);
    copy.add(value);
    return List.copyOf(copy);
  }
}
