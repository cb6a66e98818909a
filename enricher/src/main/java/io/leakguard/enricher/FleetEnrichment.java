package io.leakguard.enricher;

import io.leakguard.cloud.ActionTrailGateway;
import io.leakguard.cloud.AdminPolicies;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.RamGateway;
import io.leakguard.runtime.FairScheduler;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.schemas.CallerIdentity;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.InventoryEntry;
import io.leakguard.schemas.LeakDetected;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.PersistenceAction;
import io.leakguard.schemas.ProbeResult;
import io.leakguard.schemas.Severity;
import io.leakguard.schemas.Timeline;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enriches a leak from the fleet: the owner (from the inventory, the leaked pair's own GetCallerIdentity, or the
 * {@link OwnerDirectory}'s shared walk of every account), the key's ActionTrail activity since before the leak, a RAM
 * user owner's admin-level policies ({@link AdminPolicies}, read beside the activity within the same bound), and a
 * severity. Everything runs off the stream thread, fairly across accounts.
 *
 * <p>The activity lookup has a time bound: when ActionTrail is slow or throttled (LookupEvents allows 2 calls per
 * second per account), the leak is handed on with what is known, marked partial, instead of holding the remediation
 * up.
 */
public final class FleetEnrichment implements Enrichment, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FleetEnrichment.class);
  static final int MAX_EVENTS = 500;
  /** Keys and STS sessions created by a leaked key whose own activity is read, at most, per incident. */
  static final int MAX_FOLLOWED = 10;
  static final Duration DEFAULT_PERSISTENCE_LOOKBACK = Duration.ofHours(1);

  /** Whose key it is, as far as this enrichment got. */
  private record Ownership(OwnerKind kind, CredentialKind credentialKind, Owner owner, boolean partial) {}

  private final CloudFleet fleet;
  private final OwnerDirectory directory;
  private final Duration activityTimeout;
  private final Duration lookback;
  private final Duration persistenceLookback;
  private final Clock clock;
  private final FairScheduler workers;
  private final ExecutorService lookups;

  /**
   * @param threads    worker threads (each waits on RAM or ActionTrail, not on the CPU)
   * @param perAccount enrichments of one account at once, so a slow or throttled account keeps at most that many
   */
  FleetEnrichment(CloudFleet fleet, OwnerDirectory directory, Duration activityTimeout, Duration lookback,
      Clock clock, int threads, int perAccount) {
    this(fleet, directory, activityTimeout, lookback, DEFAULT_PERSISTENCE_LOOKBACK, clock, threads, perAccount);
  }

  /** @param persistenceLookback how long before the sighting a write of the leaked key counts as the attacker's */
  FleetEnrichment(CloudFleet fleet, OwnerDirectory directory, Duration activityTimeout, Duration lookback,
      Duration persistenceLookback, Clock clock, int threads, int perAccount) {
    this.fleet = fleet;
    this.persistenceLookback = persistenceLookback;
    this.directory = directory;
    this.activityTimeout = activityTimeout;
    this.lookback = lookback;
    this.clock = clock;
    this.workers = new FairScheduler(threads, perAccount, "leakguard-enrichment");
    this.lookups = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "leakguard-activity-lookup");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Never blocks: the owner comes from the inventory, the key's own identity (GetUser on a worker) or the
   * {@link OwnerDirectory} (a shared walk, waited for without a thread); then ActionTrail is read on a worker of the
   * owner's account, within {@code activityTimeout}.
   */
  @Override
  public CompletableFuture<LeakEnriched> enrich(LeakDetected leak, InventoryEntry known) {
    CallerIdentity identity = leak.getCallerIdentity();
    String type = identity == null ? null : identity.getIdentityType();
    if ("Account".equals(type)) {
      return onWorker(identity.getAccountId(), leak, () -> new Ownership(OwnerKind.ROOT_ACCOUNT,
          CredentialKind.ROOT_KEY, Owner.newBuilder().setAccountId(identity.getAccountId())
              .setArn(identity.getArn()).build(), false));
    }
    if ("AssumedRoleUser".equals(type)) {
      return onWorker(identity.getAccountId(), leak, () -> new Ownership(OwnerKind.ASSUMED_ROLE,
          CredentialKind.STS_TOKEN, Owner.newBuilder().setAccountId(identity.getAccountId())
              .setArn(identity.getArn()).setRoleName(roleOf(identity.getArn())).build(), false));
    }
    if (known != null) {
      Owner owner = Owner.newBuilder().setAccountId(known.getOwner().getAccountId())
          .setUserName(known.getOwner().getUserName()).setArn(known.getOwner().getArn())
          .setDisplayName(known.getOwner().getDisplayName()).setEmail(known.getOwner().getEmail())
          .setMobilePhone(known.getOwner().getMobilePhone()).build();
      if (identity != null && "RAMUser".equals(type) && !identity.getAccountId().equals(owner.getAccountId())) {
        LOG.warn("incident {}: the inventory and the key itself disagree on the account", leak.getIncidentId());
      }
      return onWorker(owner.getAccountId(), leak, () -> new Ownership(
          known.getKind() == CredentialKind.ROOT_KEY ? OwnerKind.ROOT_ACCOUNT : OwnerKind.RAM_USER,
          known.getKind(), owner, false));
    }
    if ("RAMUser".equals(type)) {
      // The leaked pair itself said whose it is: no need to walk the fleet.
      return onWorker(identity.getAccountId(), leak, () -> identifiedUser(leak, identity));
    }
    if (leak.getKind() == CredentialKind.STS_TOKEN || leak.getProbe() == ProbeResult.KEY_NOT_FOUND) {
      // A token's ID is in no inventory, and without a working secret there is no telling whose it is; a key STS
      // does not know exists nowhere. Neither is worth a walk of the fleet.
      return CompletableFuture.completedFuture(record(leak, new Ownership(OwnerKind.UNKNOWN, leak.getKind(),
          Owner.newBuilder().build(), false), Activity.none(), false));
    }
    Instant sightedAt = leak.getTimeline().getSightedAt();
    return directory.find(leak.getAccessKeyId(), sightedAt).thenCompose(lookup -> {
      if (lookup.owner().isPresent()) {
        OwnerDirectory.Owned found = lookup.owner().get();
        Owner owner = Owner.newBuilder().setAccountId(found.accountId()).setUserName(found.user().userName())
            .setArn("acs:ram::" + found.accountId() + ":user/" + found.user().userName())
            .setDisplayName(found.user().displayName()).setEmail(found.user().email())
            .setMobilePhone(found.user().mobilePhone()).build();
        return onWorker(found.accountId(), leak, () -> new Ownership(OwnerKind.RAM_USER, leak.getKind(), owner,
            false));
      }
      Owner.Builder owner = Owner.newBuilder();
      if (identity != null) {
        owner.setAccountId(identity.getAccountId()).setArn(identity.getArn());
      }
      boolean inconclusive = lookup.inconclusive();
      return CompletableFuture.completedFuture(record(leak, new Ownership(
          inconclusive ? OwnerKind.UNKNOWN : OwnerKind.OUTSIDE_FLEET, leak.getKind(), owner.build(), inconclusive),
          Activity.none(), false));
    });
  }

  /** Settles the owner and reads the activity on a worker of the owner's account, then builds the record. */
  private CompletableFuture<LeakEnriched> onWorker(String accountId, LeakDetected leak,
      java.util.function.Supplier<Ownership> ownership) {
    CompletableFuture<LeakEnriched> result = new CompletableFuture<>();
    workers.submit(accountId == null ? "?" : accountId, leak.getAccessKeyId(), () -> {
      try (IncidentMdc mdc = IncidentMdc.open(leak.getIncidentId(), leak.getMaskedKey())) {
        Ownership owned = ownership.get();
        Instant deadline = clock.instant().plus(activityTimeout);
        Future<List<String>> privileges = privileges(leak, owned);
        ActivityResult activity = owned.owner().getAccountId() != null && owned.kind() != OwnerKind.OUTSIDE_FLEET
            ? activity(leak, owned.owner().getAccountId()) : new ActivityResult(Activity.none(), List.of(), false);
        Privileges admin = awaitPrivileges(leak, privileges, deadline);
        result.complete(record(leak, owned, activity.activity(), activity.persistence(), activity.partial(), admin));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  private LeakEnriched record(LeakDetected leak, Ownership owned, Activity activity, boolean activityPartial) {
    return record(leak, owned, activity, List.of(), activityPartial, Privileges.NONE);
  }

  /** The owner's admin-level policies as far as they were read; partial when RAM refused or did not answer in time. */
  private record Privileges(List<String> policies, boolean partial) {
    static final Privileges NONE = new Privileges(List.of(), false);
  }

  /**
   * Reads a RAM user owner's admin-level policies ({@link AdminPolicies}) on the lookup pool, beside its activity;
   * null for any other owner.
   */
  private Future<List<String>> privileges(LeakDetected leak, Ownership owned) {
    String account = owned.owner().getAccountId();
    String user = owned.owner().getUserName();
    if (owned.kind() != OwnerKind.RAM_USER || account == null || user == null) {
      return null;
    }
    return lookups.submit(() -> {
      try (IncidentMdc mdc = IncidentMdc.open(leak.getIncidentId(), leak.getMaskedKey())) {
        return fleet.accountIds().contains(account) ? AdminPolicies.of(fleet.account(account).ram(), user)
            : List.<String>of();
      }
    });
  }

  private Privileges awaitPrivileges(LeakDetected leak, Future<List<String>> read, Instant deadline) {
    if (read == null) {
      return Privileges.NONE;
    }
    List<String> policies = within(leak, read, Duration.between(clock.instant(), deadline).toMillis(),
        "the owner's policies");
    return policies == null ? new Privileges(List.of(), true) : new Privileges(policies, false);
  }

  /**
   * A lookup's answer if it comes within {@code millis} (at least 1), else null, the lookup cancelled and the reason
   * logged: the leak is handed on without {@code what}.
   */
  private static <T> T within(LeakDetected leak, Future<T> lookup, long millis, String what) {
    try {
      return lookup.get(Math.max(1, millis), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      lookup.cancel(true);
      LOG.info("incident {}: {} not read within {} ms; handing on without them", leak.getIncidentId(), what,
          Math.max(1, millis));
    } catch (ExecutionException e) {
      String reason = e.getCause() instanceof CloudException ce ? ce.code() : e.getCause().getClass().getSimpleName();
      LOG.info("incident {}: cannot read {} ({}); handing on without them", leak.getIncidentId(), what, reason);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  private LeakEnriched record(LeakDetected leak, Ownership owned, Activity activity,
      List<PersistenceAction> persistence, boolean activityPartial, Privileges privileges) {
    Instant now = clock.instant();
    return LeakEnriched.newBuilder()
        .setIncidentId(leak.getIncidentId())
        .setAccessKeyId(leak.getAccessKeyId())
        .setKind(owned.credentialKind())
        .setMaskedKey(leak.getMaskedKey())
        .setSecretFingerprint(leak.getSecretFingerprint())
        .setSource(leak.getSource())
        .setOwner(owned.owner())
        .setOwnerKind(owned.kind())
        .setLive(leak.getLive())
        .setProbe(leak.getProbe())
        .setCallerIdentity(leak.getCallerIdentity())
        .setLastUsedAt(activity.lastUsedAt())
        .setUsedFromIps(activity.ips())
        .setUsedServices(activity.services())
        .setSuspiciousIps(activity.suspiciousIps())
        .setPersistenceEvents(persistence.stream().map(Persistence::describe).toList())
        .setPersistence(persistence)
        .setSuspicious(!activity.suspiciousIps().isEmpty())
        .setSeverity(severity(owned.kind(), leak.getLive(), activity, !persistence.isEmpty()))
        .setOwnerPrivileges(privileges.policies())
        .setPartial(owned.partial() || activityPartial || privileges.partial())
        .setSightingCount(leak.getSightingCount())
        .setTimeline(Timeline.newBuilder(leak.getTimeline()).setEnrichedAt(now).build())
        .build();
  }

  private record ActivityResult(Activity activity, List<PersistenceAction> persistence, boolean partial) {}

  /**
   * The key's activity, then its persistence: what it, and every key or STS session it created (transitively, at most
   * {@value #MAX_FOLLOWED} of them), made in the look-back before the sighting and since. Each stage is bounded by
   * the activity timeout; what a stage did not finish marks the record partial, and what it found is kept.
   */
  private ActivityResult activity(LeakDetected leak, String accountId) {
    Instant leakedAt = leak.getTimeline().getSightedAt();
    Instant from = leakedAt.minus(lookback);
    Instant persistenceFrom = leakedAt.minus(persistenceLookback);
    Future<List<ActionTrailGateway.TrailEvent>> lookup = lookups.submit(() -> {
      try (IncidentMdc mdc = IncidentMdc.open(leak.getIncidentId(), leak.getMaskedKey())) {
        return fleet.account(accountId).actionTrail().eventsOfAccessKey(leak.getAccessKeyId(), from, clock.instant(),
            MAX_EVENTS);
      }
    });
    List<ActionTrailGateway.TrailEvent> events = within(leak, lookup, activityTimeout.toMillis(),
        "the key's ActionTrail events");
    if (events == null) {
      return new ActivityResult(Activity.none(), List.of(), true);
    }
    List<PersistenceAction> persistence = java.util.Collections.synchronizedList(new java.util.ArrayList<>(
        Persistence.of(events, leak.getAccessKeyId(), accountId, persistenceFrom)));
    boolean partial = !Persistence.createdCredentials(persistence).isEmpty()
        && !follow(leak, persistence, persistenceFrom);
    return new ActivityResult(Activity.of(events, leakedAt), List.copyOf(persistence), partial);
  }

  /**
   * Adds to {@code persistence} what the credentials it created did, breadth first; false when a lookup failed or the
   * activity timeout ran out first.
   */
  private boolean follow(LeakDetected leak, List<PersistenceAction> persistence, Instant since) {
    Future<Boolean> walk = lookups.submit(() -> {
      try (IncidentMdc mdc = IncidentMdc.open(leak.getIncidentId(), leak.getMaskedKey())) {
        java.util.Set<String> seen = new java.util.HashSet<>(List.of(leak.getAccessKeyId()));
        java.util.ArrayDeque<Persistence.Created> queue = new java.util.ArrayDeque<>();
        Persistence.createdCredentials(List.copyOf(persistence)).forEach(queue::add);
        int followed = 0;
        boolean complete = true;
        while (!queue.isEmpty() && followed < MAX_FOLLOWED) {
          Persistence.Created next = queue.poll();
          if (!seen.add(next.accessKeyId()) || !fleet.accountIds().contains(next.accountId())) {
            continue;
          }
          followed++;
          try {
            List<PersistenceAction> found = Persistence.of(fleet.account(next.accountId()).actionTrail()
                .eventsOfAccessKey(next.accessKeyId(), since, clock.instant(), MAX_EVENTS), next.accessKeyId(),
                next.accountId(), since);
            persistence.addAll(found);
            queue.addAll(Persistence.createdCredentials(found));
          } catch (CloudException e) {
            LOG.info("incident {}: cannot read what {} did ({}); its persistence is unknown", leak.getIncidentId(),
                io.leakguard.schemas.KeyForms.mask(next.accessKeyId()), e.code());
            complete = false;
          }
        }
        return complete && queue.isEmpty();
      }
    });
    try {
      return walk.get(activityTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      walk.cancel(true);
      LOG.info("incident {}: the keys and sessions the leaked key created were not all read in time: persistence is "
          + "partial", leak.getIncidentId());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The owner named by a RAM user's own identity: in the fleet, or outside it. */
  private Ownership identifiedUser(LeakDetected leak, CallerIdentity identity) {
    String account = identity.getAccountId();
    String userName = identity.getArn().substring(identity.getArn().lastIndexOf('/') + 1);
    Owner.Builder owner = Owner.newBuilder().setAccountId(account).setUserName(userName).setArn(identity.getArn());
    try {
      if (!fleet.accountIds().contains(account)) {
        return new Ownership(OwnerKind.OUTSIDE_FLEET, leak.getKind(), owner.build(), false);
      }
      RamGateway.User user = fleet.account(account).ram().getUser(userName);
      owner.setDisplayName(user.displayName()).setEmail(user.email()).setMobilePhone(user.mobilePhone());
      return new Ownership(OwnerKind.RAM_USER, CredentialKind.RAM_USER_KEY, owner.build(), false);
    } catch (CloudException e) {
      LOG.warn("incident {}: cannot read RAM user {} of account {}: {}", leak.getIncidentId(), userName, account,
          e.code());
      return new Ownership(OwnerKind.UNKNOWN, leak.getKind(), owner.build(), true);
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

  static Severity severity(OwnerKind kind, Boolean live, Activity activity, boolean persistence) {
    if (!activity.suspiciousIps().isEmpty() || persistence
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
    workers.close();
    lookups.shutdownNow();
  }
}
