package io.leakguard.cloud;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Client-side rate limits per account and per API, so LeakGuard stays under Alibaba Cloud's own limits (ActionTrail
 * LookupEvents allows 2 calls per second) instead of burning attempts on throttling. Each (account, API) pair has
 * its own schedule: a caller waits only for its own pair, never for another account or another API.
 *
 * <p>The schedule is a simple "next free slot" per pair: a permit is the next slot at least {@code 1/rate} after the
 * previous one, with a burst of one. The wait happens outside any lock.
 */
public final class RateLimiter {

  /** Alibaba Cloud's documented limits that are lower than the default. */
  public static final Map<String, Double> DOCUMENTED_LIMITS = Map.of("Actiontrail:LookupEvents", 2.0);

  private final double defaultPerSecond;
  private final Map<String, Double> perApi;
  private final LongSupplier nanoClock;
  private final Map<String, long[]> nextSlot = new ConcurrentHashMap<>();

  /**
   * @param defaultPerSecond calls per second per account and API when no specific limit is known; 0 = unlimited
   * @param perApi           limits for {@code Product:Action} keys (e.g. {@code Actiontrail:LookupEvents})
   */
  public RateLimiter(double defaultPerSecond, Map<String, Double> perApi) {
    this(defaultPerSecond, perApi, System::nanoTime);
  }

  RateLimiter(double defaultPerSecond, Map<String, Double> perApi, LongSupplier nanoClock) {
    this.defaultPerSecond = defaultPerSecond;
    this.perApi = Map.copyOf(perApi);
    this.nanoClock = nanoClock;
  }

  /** The documented limits, and {@code defaultPerSecond} for everything else. */
  public static RateLimiter withDocumentedLimits(double defaultPerSecond) {
    return new RateLimiter(defaultPerSecond, DOCUMENTED_LIMITS);
  }

  /** Blocks the calling thread until the account may call the API again. */
  public void acquire(String accountId, Product product, String action) throws InterruptedException {
    long waitNanos = reserve(accountId, product, action);
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
  }

  /** Reserves the next slot and returns how long the caller must wait for it, in nanoseconds. */
  long reserve(String accountId, Product product, String action) {
    String api = product.code() + ":" + action;
    double rate = perApi.getOrDefault(api, defaultPerSecond);
    if (rate <= 0) {
      return 0;
    }
    long interval = (long) (1_000_000_000L / rate);
    long[] slot = nextSlot.computeIfAbsent(accountId + "/" + api, k -> new long[] {Long.MIN_VALUE});
    synchronized (slot) {
      long now = nanoClock.getAsLong();
      long granted = slot[0] == Long.MIN_VALUE ? now : Math.max(now, slot[0]);
      slot[0] = granted + interval;
      return granted - now;
    }
  }
}
