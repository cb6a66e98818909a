package io.leakguard.cloud;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Client-side rate limits per account and per API, so LeakGuard stays under Alibaba Cloud's own limits (ActionTrail
 * LookupEvents allows 2 calls per second) instead of burning attempts on throttling. Each (account, API) pair has
 * its own schedule: a caller waits only for its own pair, never for another account or another API.
 *
 * <p>Each pair follows the generic cell rate algorithm: calls are spaced {@code 1/rate} apart on average, and up to
 * {@code rate} calls (at least one) may go at once after a quiet spell, so the few calls of one remediation never
 * wait for each other while a sustained stream still keeps to the rate. The wait happens outside any lock.
 *
 * <p>Every acquisition's wait, zero included, is recorded in {@code leakguard_rate_limiter_wait_seconds{product}}.
 */
public final class RateLimiter {

  /** Alibaba Cloud's documented limits that are lower than the default. */
  public static final Map<String, Double> DOCUMENTED_LIMITS = Map.of("Actiontrail:LookupEvents", 2.0);

  private final double defaultPerSecond;
  private final Map<String, Double> perApi;
  private final LongSupplier nanoClock;
  private final Map<String, long[]> nextSlot = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private static final Duration[] WAIT_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
      Duration.ofSeconds(5), Duration.ofSeconds(10)};

  /**
   * @param defaultPerSecond calls per second per account and API when no specific limit is known; 0 = unlimited
   * @param perApi           limits for {@code Product:Action} keys (e.g. {@code Actiontrail:LookupEvents})
   */
  public RateLimiter(double defaultPerSecond, Map<String, Double> perApi) {
    this(defaultPerSecond, perApi, System::nanoTime, new CompositeMeterRegistry());
  }

  RateLimiter(double defaultPerSecond, Map<String, Double> perApi, LongSupplier nanoClock) {
    this(defaultPerSecond, perApi, nanoClock, new CompositeMeterRegistry());
  }

  private RateLimiter(double defaultPerSecond, Map<String, Double> perApi, LongSupplier nanoClock,
      MeterRegistry meters) {
    this.meters = meters;
    this.defaultPerSecond = defaultPerSecond;
    this.perApi = Map.copyOf(perApi);
    this.nanoClock = nanoClock;
  }

  /** The documented limits, and {@code defaultPerSecond} for everything else. */
  public static RateLimiter withDocumentedLimits(double defaultPerSecond) {
    return new RateLimiter(defaultPerSecond, DOCUMENTED_LIMITS);
  }

  /** The documented limits, with the waits recorded in {@code meters}. */
  public static RateLimiter withDocumentedLimits(double defaultPerSecond, MeterRegistry meters) {
    return new RateLimiter(defaultPerSecond, DOCUMENTED_LIMITS, System::nanoTime, meters);
  }

  /** Blocks the calling thread until the account may call the API again. */
  public void acquire(String accountId, Product product, String action) throws InterruptedException {
    acquireWithin(accountId, product, action, Long.MAX_VALUE);
  }

  /**
   * Like {@link #acquire}, but only when the wait would be at most {@code maxWaitNanos}: false (and no slot reserved)
   * otherwise, so a caller that gives up does not push every later caller's slot back.
   */
  public boolean acquireWithin(String accountId, Product product, String action, long maxWaitNanos)
      throws InterruptedException {
    long waitNanos = reserve(accountId, product, action, maxWaitNanos);
    if (waitNanos < 0) {
      return false;
    }
    Timer.builder("leakguard.rate.limiter.wait").description("time a call waited for its client-side rate limit")
        .serviceLevelObjectives(WAIT_BUCKETS).tag("product", product.code()).register(meters)
        .record(waitNanos, TimeUnit.NANOSECONDS);
    if (waitNanos > 0) {
      TimeUnit.NANOSECONDS.sleep(waitNanos);
    }
    return true;
  }

  /** Reserves the next slot and returns how long the caller must wait for it, in nanoseconds. */
  long reserve(String accountId, Product product, String action) {
    return reserve(accountId, product, action, Long.MAX_VALUE);
  }

  /** Reserves the next slot when its wait is at most {@code maxWaitNanos} and returns the wait, else -1. */
  private long reserve(String accountId, Product product, String action, long maxWaitNanos) {
    String api = product.code() + ":" + action;
    double rate = perApi.getOrDefault(api, defaultPerSecond);
    if (rate <= 0) {
      return 0;
    }
    long interval = (long) (1_000_000_000L / rate);
    long burstAllowance = (long) (Math.max(1, Math.floor(rate)) - 1) * interval;
    long[] theoretical = nextSlot.computeIfAbsent(accountId + "/" + api, k -> new long[] {Long.MIN_VALUE});
    synchronized (theoretical) {
      long now = nanoClock.getAsLong();
      long arrival = theoretical[0] == Long.MIN_VALUE ? now : Math.max(now, theoretical[0]);
      long wait = Math.max(0, arrival - burstAllowance - now);
      if (wait > maxWaitNanos) {
        return -1;
      }
      theoretical[0] = arrival + interval;
      return wait;
    }
  }
}
