package io.leakguard.remediator;

import io.leakguard.cloud.AlibabaCloud;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudFleet.OwnerSearch;
import io.leakguard.cloud.RamGateway.NewAccessKey;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStep;
import io.leakguard.schemas.StepResult;
import io.leakguard.schemas.Timeline;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotates a leaked RAM user AccessKey the way Alibaba Cloud advises, replace-first: find the owner in the fleet
 * (ListUsers, then ListAccessKeys per user, every account in parallel), create a new key in the owner's account, store it in KMS where applications fetch it, then delete the leaked
 * key. Delete, never merely disable: a disabled key can be enabled again. The new secret goes from the
 * CreateAccessKey answer straight into KMS and nowhere else.
 */
public final class KeyRotation implements Remediation {

  private static final Logger LOG = LoggerFactory.getLogger(KeyRotation.class);
  static final String STRATEGY = "replace-first";

  private final CloudFleet fleet;
  private final String secretNameTemplate;
  private final Clock clock;

  public KeyRotation(CloudFleet fleet, String secretNameTemplate, Clock clock) {
    this.fleet = fleet;
    this.secretNameTemplate = secretNameTemplate;
    this.clock = clock;
  }

  /** The KMS secret name for a user: the template with {@code {accountId}} and {@code {userName}} filled in. */
  static String secretName(String template, String accountId, String userName) {
    return template.replace("{accountId}", accountId).replace("{userName}", userName);
  }

  @Override
  public RemediationOutcome remediate(LeakEnriched leak) {
    Steps steps = new Steps(clock);
    RemediationOutcome.Builder outcome = RemediationOutcome.newBuilder()
        .setIncidentId(leak.getIncidentId())
        .setAccessKeyId(leak.getAccessKeyId())
        .setKind(leak.getKind())
        .setMaskedKey(leak.getMaskedKey())
        .setSecretFingerprint(leak.getSecretFingerprint())
        .setSource(leak.getSource())
        .setStrategy(STRATEGY)
        .setOwner(leak.getOwner());
    Timeline.Builder timeline = Timeline.newBuilder(leak.getTimeline());
    OwnerKind kind = leak.getOwnerKind();
    if (kind == OwnerKind.ROOT_ACCOUNT) {
      return finish(outcome.setStatus(RemediationStatus.ESCALATED).setStrategy("escalate")
          .setReason("a root account key must never be in use and is never rotated automatically: the account owner "
              + "deletes it in the console and the security team reviews what it did"), steps, timeline);
    }
    if (kind == OwnerKind.OUTSIDE_FLEET) {
      return finish(outcome.setStatus(RemediationStatus.ESCALATED).setStrategy("escalate")
          .setReason("the key belongs to no account of the fleet: LeakGuard cannot act, the security team decides"),
          steps, timeline);
    }
    if (kind == OwnerKind.ASSUMED_ROLE || leak.getKind() == io.leakguard.schemas.CredentialKind.STS_TOKEN) {
      return finish(outcome.setStatus(RemediationStatus.ESCALATED).setStrategy("escalate")
          .setReason("leaked STS tokens are escalated until role neutralization is enabled"), steps, timeline);
    }
    try {
      Owner owner = confirmedOwner(leak, steps);
      if (owner == null) {
        OwnerSearch search = steps.run("FindOwner", () -> fleet.findOwner(leak.getAccessKeyId()),
            result -> result.owner().map(o -> "owned by RAM user " + o.owner().user().userName() + " in account "
                + o.accountId()).orElse(result.inconclusive() ? "not found; accounts not searched: "
                + result.failedAccounts().keySet() : "not a RAM user key of any account of the fleet"));
        if (search.inconclusive()) {
          return finish(outcome.setStatus(RemediationStatus.FAILED)
              .setReason("the owner is unknown: accounts " + search.failedAccounts() + " could not be searched"),
              steps, timeline);
        }
        if (search.owner().isEmpty()) {
          return finish(outcome.setStatus(RemediationStatus.ESCALATED).setStrategy("escalate")
              .setReason("the key belongs to no RAM user of the fleet's accounts " + fleet.accountIds()
                  + " (a root key, or a key outside the fleet): the security team decides"), steps, timeline);
        }
        CloudFleet.FleetOwner found = search.owner().get();
        owner = Owner.newBuilder()
            .setAccountId(found.accountId())
            .setUserName(found.owner().user().userName())
            .setArn("acs:ram::" + found.accountId() + ":user/" + found.owner().user().userName())
            .setDisplayName(found.owner().user().displayName())
            .setEmail(found.owner().user().email())
            .build();
      }
      outcome.setOwner(owner);
      String account = owner.getAccountId();
      String userName = owner.getUserName();
      AlibabaCloud cloud = fleet.account(account);
      NewAccessKey created = steps.run("CreateAccessKey", () -> cloud.ram().createAccessKey(userName),
          key -> "created " + key.accessKeyId());
      outcome.setNewAccessKeyId(created.accessKeyId());
      String secretName = secretName(secretNameTemplate, account, userName);
      steps.run("StoreSecret", () -> {
        cloud.kms().storeAccessKey(secretName, leak.getIncidentId(), created.accessKeyId(), created.secret());
        return secretName;
      }, name -> "stored as ACSCurrent of " + name);
      outcome.setKmsSecretName(secretName).setKmsSecretVersion(leak.getIncidentId());
      steps.run("DeleteAccessKey", () -> {
        cloud.ram().deleteAccessKey(userName, leak.getAccessKeyId());
        return leak.getAccessKeyId();
      }, id -> "deleted leaked key " + leak.getMaskedKey());
      timeline.setNeutralizedAt(steps.lastFinishedAt());
      return finish(outcome.setStatus(RemediationStatus.ROTATED), steps, timeline);
    } catch (CloudException e) {
      LOG.warn("incident {} failed at {}: {} ({})", leak.getIncidentId(), steps.current(), e.code(), e.errorClass());
      return finish(outcome.setStatus(RemediationStatus.FAILED)
          .setReason(steps.current() + " failed: " + e.getMessage()), steps, timeline);
    }
  }

  /**
   * The owner the enrichment named, confirmed by reading the user's keys again right before acting; null when the
   * enrichment named none or RAM no longer lists the key for that user (then the fleet is searched).
   */
  private Owner confirmedOwner(LeakEnriched leak, Steps steps) throws CloudException {
    Owner named = leak.getOwner();
    if (leak.getOwnerKind() != OwnerKind.RAM_USER || named.getAccountId() == null || named.getUserName() == null) {
      return null;
    }
    boolean listed = steps.run("VerifyOwner", () -> fleet.account(named.getAccountId()).ram()
            .listAccessKeys(named.getUserName()).stream().anyMatch(k -> k.accessKeyId().equals(leak.getAccessKeyId())),
        ok -> ok ? "RAM lists the key for user " + named.getUserName() + " in account " + named.getAccountId()
            : "RAM no longer lists the key for user " + named.getUserName() + "; searching the fleet");
    return listed ? named : null;
  }

  private RemediationOutcome finish(RemediationOutcome.Builder outcome, Steps steps, Timeline.Builder timeline) {
    RemediationOutcome result = outcome.setSteps(steps.done())
        .setTimeline(timeline.setRemediatedAt(clock.instant()).build())
        .build();
    LOG.info("incident {}: {} {} ({} steps)", result.getIncidentId(), result.getMaskedKey(), result.getStatus(),
        result.getSteps().size());
    return result;
  }

  /**
   * Asks who LeakGuard is, once, at start: it proves the credential chain works before the first leak arrives,
   * logs the identity the remediator acts as, and warms the SDK's HTTP path so the first remediation is not slowed
   * by class loading. A failure is logged, not fatal: the cloud may be briefly unreachable at start.
   */
  public void warmUp() {
    try {
      var identity = fleet.home().sts().callerIdentity();
      fleet.homeAccountId();
      LOG.info("remediating as {} ({}) in account {}", identity.arn(), identity.identityType(), identity.accountId());
    } catch (CloudException e) {
      LOG.warn("cannot tell who the remediator is yet ({}: {}); will retry on the first leak", e.code(),
          e.errorClass());
    }
  }

  /** A cloud call that may fail with a classified error. */
  @FunctionalInterface
  interface CloudCall<T> {
    T call() throws CloudException;
  }

  /** Runs and records the steps of one remediation, with their times and results. */
  static final class Steps {
    private final Clock clock;
    private final List<RemediationStep> done = new ArrayList<>();
    private String current = "none";

    Steps(Clock clock) {
      this.clock = clock;
    }

    <T> T run(String name, CloudCall<T> call, java.util.function.Function<T, String> describe) throws CloudException {
      current = name;
      Instant started = clock.instant();
      try {
        T result = call.call();
        done.add(step(name, started, StepResult.OK, describe.apply(result)));
        return result;
      } catch (CloudException e) {
        done.add(step(name, started, StepResult.FAILED, e.getMessage()));
        throw e;
      }
    }

    private RemediationStep step(String name, Instant started, StepResult result, String detail) {
      return RemediationStep.newBuilder().setName(name).setStartedAt(started).setFinishedAt(clock.instant())
          .setOutcome(result).setDetail(detail).build();
    }

    String current() {
      return current;
    }

    Instant lastFinishedAt() {
      return done.get(done.size() - 1).getFinishedAt();
    }

    List<RemediationStep> done() {
      return List.copyOf(done);
    }
  }
}
