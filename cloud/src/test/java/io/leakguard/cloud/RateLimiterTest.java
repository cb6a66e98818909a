package io.leakguard.cloud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(0);
  private final RateLimiter limiter = new RateLimiter(10, RateLimiter.DOCUMENTED_LIMITS, now::get);

  @Test
  void shouldAllowTwoLookupEventsAtOnceThenSpaceThemTwoPerSecond() {
    assertEquals(0, limiter.reserve("A", Product.ACTIONTRAIL, "LookupEvents"));
    assertEquals(0, limiter.reserve("A", Product.ACTIONTRAIL, "LookupEvents"));
    assertEquals(500_000_000L, limiter.reserve("A", Product.ACTIONTRAIL, "LookupEvents"));
    assertEquals(1_000_000_000L, limiter.reserve("A", Product.ACTIONTRAIL, "LookupEvents"));
  }

  @Test
  void shouldLetTheFewCallsOfOneRemediationGoWithoutWaiting() {
    // 10 per second: a burst of 10 goes at once, the 11th waits one interval
    for (int i = 0; i < 10; i++) {
      assertEquals(0, limiter.reserve("A", Product.RAM, "ListAccessKeys"));
    }
    assertEquals(100_000_000L, limiter.reserve("A", Product.RAM, "ListAccessKeys"));
  }

  @Test
  void shouldNeverMakeOneAccountWaitForAnother() {
    // Given account A has used up its LookupEvents budget for the next second
    for (int i = 0; i < 5; i++) {
      limiter.reserve("A", Product.ACTIONTRAIL, "LookupEvents");
    }
    assertEquals(2_000_000_000L, limiter.reserve("A", Product.ACTIONTRAIL, "LookupEvents"), "the sixth call waits 2 s");

    // Then account B, and A's other APIs, go at once
    assertEquals(0, limiter.reserve("B", Product.ACTIONTRAIL, "LookupEvents"));
    assertEquals(0, limiter.reserve("A", Product.RAM, "ListUsers"));
  }

  @Test
  void shouldNotReserveASlotForACallerThatWillNotWaitThatLong() throws Exception {
    // Given two LookupEvents made, the third would wait 500 ms
    assertTrue(limiter.acquireWithin("A", Product.ACTIONTRAIL, "LookupEvents", 0));
    assertTrue(limiter.acquireWithin("A", Product.ACTIONTRAIL, "LookupEvents", 0));

    // When callers that wait at most 100 ms give up, a hundred times
    for (int i = 0; i < 100; i++) {
      assertFalse(limiter.acquireWithin("A", Product.ACTIONTRAIL, "LookupEvents", 100_000_000L));
    }

    // Then they pushed nobody back: the next slot is still 500 ms away, and free once that time has passed
    assertEquals(500_000_000L, limiter.reserve("A", Product.ACTIONTRAIL, "LookupEvents"));
    now.addAndGet(1_000_000_000L);
    assertTrue(limiter.acquireWithin("A", Product.ACTIONTRAIL, "LookupEvents", 0));
  }

  @Test
  void shouldFreeSlotsAsTimePasses() {
    limiter.reserve("A", Product.RAM, "ListUsers");
    now.addAndGet(150_000_000L);

    assertEquals(0, limiter.reserve("A", Product.RAM, "ListUsers"));
  }

  @Test
  void shouldNotLimitWhenTheRateIsZero() {
    RateLimiter unlimited = new RateLimiter(0, Map.of(), now::get);
    for (int i = 0; i < 100; i++) {
      assertEquals(0, unlimited.reserve("A", Product.RAM, "ListUsers"));
    }
  }
}
