package io.leakguard.runtime;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Fairness of the worker pool: the part of "one slow account does not hold up the others" that needs no cloud. */
class FairSchedulerTest {

  @Test
  void shouldRunOtherAccountsWhileOneAccountsCallsHang() throws Exception {
    // Given 4 workers, at most 2 per account, and account A with 10 incidents whose cloud calls hang
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger runningInA = new AtomicInteger();
    CountDownLatch bDone = new CountDownLatch(3);
    try (FairScheduler scheduler = new FairScheduler(4, 2, "test")) {
      for (int i = 0; i < 10; i++) {
        scheduler.submit("A", "A/user/" + i, () -> {
          runningInA.incrementAndGet();
          block(release);
        });
      }

      // When account B's incidents arrive behind them
      for (int i = 0; i < 3; i++) {
        scheduler.submit("B", "B/user/" + i, bDone::countDown);
      }

      // Then B's incidents all run while A's hang, and A never holds more than its 2 workers
      assertTrue(bDone.await(5, TimeUnit.SECONDS), "account B was held up by account A");
      // (A's second worker may start its job just after B's finish: wait for it, then check no third one started)
      await().atMost(Duration.ofSeconds(5)).until(() -> runningInA.get() == 2);
      assertEquals(2, runningInA.get());
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> runningInA.get() == 10);
    }
  }

  @Test
  void shouldNeverRunTwoIncidentsOfTheSameUserAtOnce() throws Exception {
    // Given three incidents of the same user and one of another user, in one account with room for all
    List<String> events = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(4);
    try (FairScheduler scheduler = new FairScheduler(4, 4, "test")) {
      for (int i = 0; i < 3; i++) {
        int n = i;
        scheduler.submit("A", "A/user/alice", () -> {
          events.add("start " + n);
          sleepBriefly();
          events.add("end " + n);
          done.countDown();
        });
      }
      scheduler.submit("A", "A/user/bob", done::countDown);

      // Then alice's incidents ran one after the other, in order
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertEquals(List.of("start 0", "end 0", "start 1", "end 1", "start 2", "end 2"), events);
    }
  }

  @Test
  void shouldRunTheRiskiestWaitingJobFirstWhateverItsAccountAndTakeTurnsAmongEquals() throws Exception {
    // Given one worker, busy, and a queue that arrived low risk first
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(7);
    try (FairScheduler scheduler = new FairScheduler(1, 1, "test")) {
      scheduler.submit("busy", "busy/user/x", 0, () -> block(release));
      for (String[] job : new String[][] {{"A", "a1", "1"}, {"A", "a2", "1"}, {"B", "b1", "1"}, {"B", "b2", "3"},
          {"C", "c1", "2"}, {"A", "a3", "3"}}) {
        scheduler.submit(job[0], job[0] + "/user/" + job[1], Integer.parseInt(job[2]), () -> {
          order.add(job[1]);
          done.countDown();
        });
      }
      scheduler.submit("C", "C/user/c2", 1, done::countDown);

      // When the worker frees up
      release.countDown();

      // Then the two riskiest run first (the accounts taking turns between them), then the next level, then the
      // low ones with the accounts taking turns and each account in arrival order
      assertTrue(done.await(5, TimeUnit.SECONDS));
      assertEquals(List.of("a3", "b2"), order.subList(0, 2).stream().sorted().toList());
      assertEquals("c1", order.get(2));
      assertEquals(List.of("a1", "b1"), order.subList(3, 5).stream().sorted().toList());
      assertEquals("a2", order.get(5));
    }
  }

  private static void block(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Long enough that overlapping runs would interleave their events. */
  private static void sleepBriefly() {
    try {
      Thread.sleep(30);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
