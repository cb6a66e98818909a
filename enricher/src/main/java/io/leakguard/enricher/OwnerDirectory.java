package io.leakguard.enricher;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.RamGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns which AccessKey in the fleet, from walks of every account (ListUsers, then ListAccessKeys per user; the
 * accounts in parallel). One walk answers every lookup:
 *
 * <ul>
 *   <li>a lookup is answered by the first walk that started after the key was sighted, so a key that existed when
 *       it leaked is always found;</li>
 *   <li>lookups share walks (single flight): while a walk runs, later lookups wait for it or for the next one;</li>
 *   <li>walks start at most once per {@code minInterval}, so no number of unknown or fake keys costs more than one
 *       walk per interval, and a negative answer stays valid until then;</li>
 *   <li>nobody waits on a thread: lookups get a future, completed when their walk ends.</li>
 * </ul>
 *
 * Each completed walk also goes to the listeners (the inventory topic), so the inventory is walked at start and
 * kept current by the same walks.
 */
final class OwnerDirectory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OwnerDirectory.class);

  /** A key found in a walk. */
  record Owned(String accountId, RamGateway.User user, RamGateway.AccessKey key) {}

  /** One walk of the fleet: every key found, and the accounts that could not be listed (with the reason). */
  record Walk(Instant startedAt, Map<String, Owned> keys, Map<String, String> failedAccounts) {}

  /** The answer to a lookup. Inconclusive: not found, and some account could not be listed. */
  record Lookup(Optional<Owned> owner, Map<String, String> failedAccounts) {
    boolean inconclusive() {
      return owner.isEmpty() && !failedAccounts.isEmpty();
    }
  }

  private final CloudFleet fleet;
  private final Duration minInterval;
  private final Clock clock;
  private final ScheduledExecutorService walker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "leakguard-owner-walk");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService accounts = Executors.newFixedThreadPool(8, r -> {
    Thread t = new Thread(r, "leakguard-owner-walk-account");
    t.setDaemon(true);
    return t;
  });
  private final List<Consumer<Walk>> listeners = new ArrayList<>();
  private Walk latest;
  private Instant runningSince;
  private CompletableFuture<Walk> running;
  private CompletableFuture<Walk> queued;
  private Instant lastStart = Instant.EPOCH;
  private int walks;

  OwnerDirectory(CloudFleet fleet, Duration minInterval, Clock clock) {
    this.fleet = fleet;
    this.minInterval = minInterval;
    this.clock = clock;
  }

  /** Called with every completed walk, on the walker thread. */
  synchronized void onWalk(Consumer<Walk> listener) {
    listeners.add(listener);
  }

  /** How many walks were made so far. */
  synchronized int walks() {
    return walks;
  }

  /** The owner of a key sighted at {@code sightedAt}, from the first walk that started after it. */
  CompletableFuture<Lookup> find(String accessKeyId, Instant sightedAt) {
    return walkAfter(sightedAt).thenApply(walk -> new Lookup(Optional.ofNullable(walk.keys().get(accessKeyId)),
        walk.failedAccounts()));
  }

  /** A walk that started at or after {@code since} (capped at now: a sighting's time is the sender's claim). */
  synchronized CompletableFuture<Walk> walkAfter(Instant since) {
    Instant now = clock.instant();
    Instant needed = since.isAfter(now) ? now : since;
    if (latest != null && !latest.startedAt().isBefore(needed)) {
      return CompletableFuture.completedFuture(latest);
    }
    if (running != null && !runningSince.isBefore(needed)) {
      return running;
    }
    if (queued == null) {
      queued = new CompletableFuture<>();
      scheduleQueued();
    }
    return queued;
  }

  /** Starts the queued walk once the one running ended and the minimum interval since the last start passed. */
  private synchronized void scheduleQueued() {
    if (queued == null || running != null) {
      return;
    }
    long wait = Math.max(0, Duration.between(clock.instant(), lastStart.plus(minInterval)).toMillis());
    CompletableFuture<Walk> next = queued;
    walker.schedule(() -> run(next), wait, TimeUnit.MILLISECONDS);
  }

  private void run(CompletableFuture<Walk> target) {
    synchronized (this) {
      if (queued != target) {
        return;
      }
      queued = null;
      running = target;
      runningSince = clock.instant();
      lastStart = runningSince;
    }
    Walk walk;
    try {
      walk = walk(runningSince);
    } catch (RuntimeException e) {
      walk = new Walk(runningSince, Map.of(), Map.of("*", String.valueOf(e)));
    }
    List<Consumer<Walk>> notify;
    synchronized (this) {
      latest = walk;
      running = null;
      walks++;
      notify = List.copyOf(listeners);
      scheduleQueued();
    }
    for (Consumer<Walk> listener : notify) {
      try {
        listener.accept(walk);
      } catch (RuntimeException e) {
        LOG.warn("owner walk listener failed: {}", e.toString());
      }
    }
    target.complete(walk);
  }

  /** Walks every account of the fleet in parallel; one account failing never stops the others. */
  private Walk walk(Instant startedAt) {
    List<String> ids;
    try {
      ids = fleet.accountIds();
    } catch (CloudException e) {
      LOG.warn("owner walk: cannot list the fleet's accounts: {} ({})", e.code(), e.errorClass());
      return new Walk(startedAt, Map.of(), Map.of("*", e.getMessage()));
    }
    Map<String, Future<List<Owned>>> results = new LinkedHashMap<>();
    for (String id : ids) {
      results.put(id, accounts.submit(() -> walkAccount(id)));
    }
    Map<String, Owned> keys = new HashMap<>();
    Map<String, String> failed = new LinkedHashMap<>();
    results.forEach((id, result) -> {
      try {
        result.get().forEach(owned -> keys.put(owned.key().accessKeyId(), owned));
      } catch (ExecutionException e) {
        String reason = e.getCause() instanceof CloudException ce ? ce.code() : String.valueOf(e.getCause());
        LOG.warn("owner walk: account {} could not be listed: {}", id, reason);
        failed.put(id, reason);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failed.put(id, "interrupted");
      }
    });
    LOG.info("owner walk: {} keys in {} accounts ({} not listed) in {} ms", keys.size(), ids.size(), failed.size(),
        Duration.between(startedAt, clock.instant()).toMillis());
    return new Walk(startedAt, Map.copyOf(keys), Map.copyOf(failed));
  }

  private List<Owned> walkAccount(String accountId) throws CloudException {
    RamGateway ram = fleet.account(accountId).ram();
    List<Owned> owned = new ArrayList<>();
    for (RamGateway.User user : ram.listUsers()) {
      for (RamGateway.AccessKey key : ram.listAccessKeys(user.userName())) {
        owned.add(new Owned(accountId, user, key));
      }
    }
    return owned;
  }

  @Override
  public void close() {
    walker.shutdownNow();
    accounts.shutdownNow();
    synchronized (this) {
      if (queued != null) {
        queued.cancel(false);
      }
    }
  }
}
