package io.leakguard.detector.enrich;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudFleet.OwnerSearch;
import io.leakguard.cloud.RamGateway;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.Severity;
import io.leakguard.schemas.Timeline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enriches a leak from the fleet: the owner (from the inventory, the leaked pair's own GetCallerIdentity, or an
 * on-demand search of every account), the key's ActionTrail activity since before the leak, and a severity.
 *
 * <p>The activity lookup runs on its own threads with a time bound: when ActionTrail is slow or throttled (LookupEvents
 * allows 2 calls per second per account), the leak is handed on with what is known, marked partial, instead of
 * holding the remediation up.
 */
public final class FleetEnrichment implements Enrichment, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FleetEnrichment.class);
  static final int MAX_EVENTS = 500;

  private final CloudFleet fleet;
  private final Duration activityTimeout;
  private final Duration lookback;
  private final Clock clock;
  private final ExecutorService lookups = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "leakguard-activity-lookup");
    t.setDaemon(true);
    return t;
  });

  public FleetEnrichment(CloudFleet fleet, Duration activityTimeout, Duration lookback, Clock clock) {
    this.fleet = fleet;
    this.activityTimeout = activityTimeout;
    this.lookback = lookback;
    this.clock = clock;
  }

  @Override
  public LeakEnriched enrich(LeakDetected leak, InventoryEntry known) {
    boolean partial = false;
    Owner.Builder owner = Owner.newBuilder();
    OwnerKind kind;
    CallerIdentity identity = leak.getCallerIdentity();
    CredentialKind credentialKind = leak.getKind();
    if (identity != null && identity.getIdentityType().equals("Account")) {
      kind = OwnerKind.ROOT_ACCOUNT;
      credentialKind = CredentialKind.ROOT_KEY;
      owner.setAccountId(identity.getAccountId()).setArn(identity.getArn());
    } else if (identity != null && identity.getIdentityType().equals("AssumedRoleUser")) {
      kind = OwnerKind.ASSUMED_ROLE;
      credentialKind = CredentialKind.STS_TOKEN;
      owner.setAccountId(identity.getAccountId()).setArn(identity.getArn()).setRoleName(roleOf(identity.getArn()));
    } else if (known != null) {
      kind = known.getKind() == CredentialKind.ROOT_KEY ? OwnerKind.ROOT_ACCOUNT : OwnerKind.RAM_USER;
      credentialKind = known.getKind();
      owner.setAccountId(known.getOwner().getAccountId()).setUserName(known.getOwner().getUserName())
          .setArn(known.getOwner().getArn()).setDisplayName(known.getOwner().getDisplayName())
          .setEmail(known.getOwner().getEmail());
    } else if (identity != null && identity.getIdentityType().equals("RAMUser")) {
      // The leaked pair itself said whose it is: no need to walk the fleet.
      kind = identifiedUser(leak, identity, owner);
      partial = kind == OwnerKind.UNKNOWN;
    } else if (leak.getKind() == CredentialKind.STS_TOKEN) {
      // A token's ID is in no inventory; without a working secret there is no telling whose it is.
      kind = OwnerKind.UNKNOWN;
    } else {
      kind = OwnerKind.UNKNOWN;
      try {
        OwnerSearch search = fleet.findOwner(leak.getAccessKeyId());
        if (search.owner().isPresent()) {
          RamGateway.User user = search.owner().get().owner().user();
          String account = search.owner().get().accountId();
          kind = OwnerKind.RAM_USER;
          owner.setAccountId(account).setUserName(user.userName()).setArn("acs:ram::" + account + ":user/"
              + user.userName()).setDisplayName(user.displayName()).setEmail(user.email());
        } else if (search.inconclusive()) {
          partial = true;
        } else {
          kind = OwnerKind.OUTSIDE_FLEET;
          if (identity != null) {
            owner.setAccountId(identity.getAccountId()).setArn(identity.getArn());
          }
        }
      } catch (CloudException e) {
        LOG.warn("incident {}: owner lookup failed: {}", leak.getIncidentId(), e.code());
        partial = true;
      }
    }
    if (kind == OwnerKind.RAM_USER && identity != null && identity.getIdentityType().equals("RAMUser")
        && !identity.getAccountId().equals(owner.getAccountId())) {
      LOG.warn("incident {}: the inventory and the key itself disagree on the account", leak.getIncidentId());
    }

    Activity activity = Activity.none();
    if (owner.getAccountId() != null && kind != OwnerKind.OUTSIDE_FLEET) {
      ActivityResult result = activity(leak, owner.getAccountId());
      activity = result.activity();
      partial |= result.partial();
    }

    Instant now = clock.instant();
    return LeakEnriched.newBuilder()
        .setIncidentId(leak.getIncidentId())
        .setAccessKeyId(leak.getAccessKeyId())
        .setKind(credentialKind)
        .setMaskedKey(leak.getMaskedKey())
        .setSecretFingerprint(leak.getSecretFingerprint())
        .setSource(leak.getSource())
        .setOwner(owner.build())
        .setOwnerKind(kind)
        .setLive(leak.getLive())
        .setCallerIdentity(identity)
        .setLastUsedAt(activity.lastUsedAt())
        .setUsedFromIps(activity.ips())
        .setUsedServices(activity.services())
        .setSuspiciousIps(activity.suspiciousIps())
        .setPersistenceEvents(activity.persistenceEvents())
        .setSuspicious(!activity.suspiciousIps().isEmpty())
        .setSeverity(severity(kind, leak.getLive(), activity))
        .setPartial(partial)
        .setSightingCount(leak.getSightingCount())
        .setTimeline(Timeline.newBuilder(leak.getTimeline()).setEnrichedAt(now).build())
        .build();
  }

  private record ActivityResult(Activity activity, boolean partial) {}

  private ActivityResult activity(LeakDetected leak, String accountId) {
    Instant leakedAt = leak.getTimeline().getSightedAt();
    Instant from = leakedAt.minus(lookback);
    Future<Activity> lookup = lookups.submit(() -> Activity.of(fleet.account(accountId).actionTrail()
        .eventsOfAccessKey(leak.getAccessKeyId(), from, clock.instant(), MAX_EVENTS), leakedAt));
    try {
      return new ActivityResult(lookup.get(activityTimeout.toMillis(), TimeUnit.MILLISECONDS), false);
    } catch (TimeoutException e) {
      lookup.cancel(true);
      LOG.info("incident {}: ActionTrail did not answer within {} ms; handing on without activity",
          leak.getIncidentId(), activityTimeout.toMillis());
    } catch (ExecutionException e) {
      String reason = e.getCause() instanceof CloudException ce ? ce.code() : e.getCause().getClass().getSimpleName();
      LOG.info("incident {}: ActionTrail lookup failed ({}); handing on without activity", leak.getIncidentId(), reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new ActivityResult(Activity.none(), true);
  }

  /** The owner named by a RAM user's own identity: in the fleet, or outside it. */
  private OwnerKind identifiedUser(LeakDetected leak, CallerIdentity identity, Owner.Builder owner) {
    String account = identity.getAccountId();
    String userName = identity.getArn().substring(identity.getArn().lastIndexOf('/') + 1);
    owner.setAccountId(account).setUserName(userName).setArn(identity.getArn());
    try {
      if (!fleet.accountIds().contains(account)) {
        return OwnerKind.OUTSIDE_FLEET;
      }
      RamGateway.User user = fleet.account(account).ram().getUser(userName);
      owner.setDisplayName(user.displayName()).setEmail(user.email());
      return OwnerKind.RAM_USER;
    } catch (CloudException e) {
      LOG.warn("incident {}: cannot read RAM user {} of account {}: {}", leak.getIncidentId(), userName, account,
          e.code());
      return OwnerKind.UNKNOWN;
    }
  }

  /** The role name of {@code acs:ram::<account>:assumed-role/<role>/<session>}. */
  static String roleOf(String arn) {
    String marker = ":assumed-role/";
    int start = arn.indexOf(marker);
    if (start < 0) {
      return null;
    }
    String rest = arn.substring(start + marker.length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  static Severity severity(OwnerKind kind, Boolean live, Activity activity) {
    if (!activity.suspiciousIps().isEmpty() || !activity.persistenceEvents().isEmpty()
        || (kind == OwnerKind.ROOT_ACCOUNT && !Boolean.FALSE.equals(live))) {
      return Severity.CRITICAL;
    }
    if (Boolean.FALSE.equals(live)) {
      return Severity.LOW;
    }
    if (Boolean.TRUE.equals(live)) {
      return Severity.HIGH;
    }
    return Severity.MEDIUM;
  }

  @Override
  public void close() {
    lookups.shutdownNow();
  }
}
