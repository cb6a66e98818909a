package io.leakguard.detector.intake;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cloud.Secret;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncProberTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void shouldAnswerANewRecordsProbeWhileAnotherRecordsThousandsWait() throws Exception {
    // Given a probe that blocks for pairs of the "flood" record until released
    CountDownLatch release = new CountDownLatch(1);
    String good = SyntheticKeys.accessKeyId();
    LivenessProbe probe = (id, secret, token) -> {
      if (!id.equals(good)) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return LivenessProbe.Liveness.dead(ProbeResult.KEY_NOT_FOUND);
    };
    try (AsyncProber prober = new AsyncProber(probe, 8, 4, 100_000, Duration.ofMinutes(10), Clock.systemUTC())) {
      AtomicInteger floodAnswered = new AtomicInteger();
      for (int i = 0; i < 3000; i++) {
        prober.probe("paste", "raw/0/1", SyntheticKeys.accessKeyId(), new Secret(SyntheticKeys.secret()), null,
            live -> floodAnswered.incrementAndGet());
      }

      // When a pair of another record arrives
      ConcurrentLinkedQueue<LivenessProbe.Liveness> answers = new ConcurrentLinkedQueue<>();
      prober.probe("paste", "raw/0/2", good, new Secret(SyntheticKeys.secret()), null, answers::add);

      // Then it is answered while the flood's probes still wait
      await().atMost(WAIT).until(() -> !answers.isEmpty());
      assertEquals(0, floodAnswered.get());
      release.countDown();
      await().atMost(WAIT).until(() -> floodAnswered.get() == 3000);
    }
  }

  @Test
  void shouldProbeIdenticalPairsOnceAndLimitFloodsPerSource() {
    AtomicInteger calls = new AtomicInteger();
    LivenessProbe probe = (id, secret, token) -> {
      calls.incrementAndGet();
      return LivenessProbe.Liveness.dead(ProbeResult.SECRET_WRONG);
    };
    AsyncProber prober = AsyncProber.direct(probe, 5, Clock.systemUTC());
    String id = SyntheticKeys.accessKeyId();
    String secret = SyntheticKeys.secret();
    ConcurrentLinkedQueue<ProbeResult> results = new ConcurrentLinkedQueue<>();

    // Given the same pair ten times, then eight new pairs from the same source, then one from another source
    for (int i = 0; i < 10; i++) {
      prober.probe("paste", "raw/0/" + i, id, new Secret(secret), null, live -> results.add(live.result()));
    }
    for (int i = 0; i < 8; i++) {
      prober.probe("paste", "raw/1/" + i, SyntheticKeys.accessKeyId(), new Secret(SyntheticKeys.secret()), null,
          live -> results.add(live.result()));
    }
    prober.probe("other", "raw/2/0", SyntheticKeys.accessKeyId(), new Secret(SyntheticKeys.secret()), null,
        live -> results.add(live.result()));

    // Then the repeated pair cost one call, the source's limit of 5 held, and the other source was probed
    assertEquals(19, results.size());
    assertEquals(1 + 4 + 1, calls.get());
    List<ProbeResult> all = List.copyOf(results);
    assertEquals(4, all.stream().filter(r -> r == ProbeResult.FLOOD_LIMITED).count());
    assertTrue(all.subList(0, 10).stream().allMatch(r -> r == ProbeResult.SECRET_WRONG));
    assertEquals(ProbeResult.SECRET_WRONG, all.get(18));
  }
}
