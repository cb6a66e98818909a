package io.leakguard.cloud;

import com.aliyuncs.auth.AlibabaCloudCredentialsProvider;
import io.leakguard.cloud.RamGateway.KeyOwner;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every account LeakGuard acts in. LeakGuard's own credentials (the default chain) act in the home account; in each
 * member account LeakGuard assumes the account's role, with credentials cached until shortly before expiry. Each
 * account has its own SDK caller and its own rate limits, and fleet-wide searches run the accounts in parallel, so
 * one slow or throttled account never stalls the others.
 */
public final class CloudFleet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CloudFleet.class);
  private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

  /** The owner of a key somewhere in the fleet. */
  public record FleetOwner(String accountId, KeyOwner owner) {}

  /** The result of a fleet-wide search: the owner if found, and the accounts that could not be searched. */
  public record OwnerSearch(Optional<FleetOwner> owner, Map<String, String> failedAccounts) {
    /** True when the key was not found and some account could not be searched: absence is not proven. */
    public boolean inconclusive() {
      return owner.isEmpty() && !failedAccounts.isEmpty();
    }
  }

  private final CloudSettings settings;
  private final FleetSettings fleet;
  private final RateLimiter limiter;
  private final io.micrometer.core.instrument.MeterRegistry meters;
  private final AlibabaCloud home;
  private final CloudCaller homeCaller;
  private final Map<String, AlibabaCloud> members = new ConcurrentHashMap<>();
  private final Map<String, AssumedRoleCredentials> memberCredentials = new ConcurrentHashMap<>();
  private final ExecutorService searches;
  private final Clock clock;
  private volatile String homeAccountId;

  private CloudFleet(CloudSettings settings, FleetSettings fleet, AlibabaCloudCredentialsProvider credentials,
      Clock clock, io.micrometer.core.instrument.MeterRegistry meters) {
    this.meters = meters;
    this.settings = settings;
    this.fleet = fleet;
    this.clock = clock;
    this.limiter = RateLimiter.withDocumentedLimits(settings.ratePerSecond(), meters);
    this.homeCaller = new CloudCaller(settings, credentials, "home", limiter, meters);
    this.home = AlibabaCloud.of(homeCaller);
    this.searches = Executors.newFixedThreadPool(Math.max(1, Math.min(8, fleet.members().size())), r -> {
      Thread t = new Thread(r, "leakguard-fleet-search");
      t.setDaemon(true);
      return t;
    });
  }

  /** LeakGuard's own credentials from the default chain: the production path. */
  public static CloudFleet fromDefaultChain(CloudSettings settings, FleetSettings fleet) {
    return fromDefaultChain(settings, fleet, new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
  }

  /** The production path, with every call counted and timed in {@code meters} (the service's registry). */
  public static CloudFleet fromDefaultChain(CloudSettings settings, FleetSettings fleet,
      io.micrometer.core.instrument.MeterRegistry meters) {
    return new CloudFleet(settings, fleet, new DefaultChainCredentials(settings), Clock.systemUTC(), meters);
  }

  /** Explicit home credentials: for tests and tools. */
  public static CloudFleet with(CloudSettings settings, FleetSettings fleet, AlibabaCloudCredentialsProvider home) {
    return new CloudFleet(settings, fleet, home, Clock.systemUTC(),
        new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
  }

  /** The account LeakGuard's own credentials belong to (asked once with GetCallerIdentity). */
  public String homeAccountId() throws CloudException {
    String known = homeAccountId;
    if (known == null) {
      known = home.sts().callerIdentity().accountId();
      homeAccountId = known;
    }
    return known;
  }

  public AlibabaCloud home() {
    return home;
  }

  /** The accounts of the fleet: the members, or the home account alone when there are none. */
  public List<String> accountIds() throws CloudException {
    return fleet.members().isEmpty() ? List.of(homeAccountId()) : List.copyOf(fleet.members().keySet());
  }

  /** The gateways of one account of the fleet. */
  public AlibabaCloud account(String accountId) throws CloudException {
    String roleArn = fleet.members().get(accountId);
    if (roleArn == null) {
      if (accountId.equals(homeAccountId())) {
        return home;
      }
      throw new CloudException(CloudErrorClass.NOT_FOUND, "LeakGuard.AccountNotInFleet",
          "account " + accountId + " is not in LeakGuard's fleet", null, null);
    }
    return members.computeIfAbsent(accountId, id -> {
      AssumedRoleCredentials credentials = new AssumedRoleCredentials(homeCaller, roleArn, fleet.sessionName(),
          fleet.sessionDuration(), REFRESH_BEFORE_EXPIRY, clock);
      memberCredentials.put(id, credentials);
      return AlibabaCloud.of(new CloudCaller(settings, credentials, id, limiter, meters));
    });
  }

  /** How many times the role of a member account was assumed so far (0 for the home account). */
  public int assumedCount(String accountId) {
    AssumedRoleCredentials credentials = memberCredentials.get(accountId);
    return credentials == null ? 0 : credentials.assumedCount();
  }

  /** Finds the RAM user owning an AccessKey in any account of the fleet, searching the accounts in parallel. */
  public OwnerSearch findOwner(String accessKeyId) throws CloudException {
    List<String> accounts = accountIds();
    List<Future<Optional<KeyOwner>>> results = new ArrayList<>();
    for (String accountId : accounts) {
      results.add(searches.submit(() -> account(accountId).ram().findOwner(accessKeyId)));
    }
    Map<String, String> failed = new java.util.LinkedHashMap<>();
    Optional<FleetOwner> found = Optional.empty();
    for (int i = 0; i < accounts.size(); i++) {
      try {
        Optional<KeyOwner> owner = results.get(i).get();
        if (owner.isPresent() && found.isEmpty()) {
          found = Optional.of(new FleetOwner(accounts.get(i), owner.get()));
        }
      } catch (ExecutionException e) {
        String reason = e.getCause() instanceof CloudException ce ? ce.getMessage() : String.valueOf(e.getCause());
        LOG.warn("cannot search account {} for a key: {}", accounts.get(i), reason);
        failed.put(accounts.get(i), reason);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CloudException(CloudErrorClass.RETRYABLE, "LeakGuard.Interrupted", "interrupted", null, e);
      }
    }
    return new OwnerSearch(found, failed);
  }

  @Override
  public void close() {
    searches.shutdownNow();
  }
}
