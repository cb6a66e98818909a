package io.leakguard.remediator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.cloud.Secret;
import io.leakguard.emulator.Faults;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The engine against the emulator: retryable errors start a new round, permanent ones end the incident FAILED.
 */
class CloudRemediationEngineTest extends EmulatedCloudTest {

  @Test
  void shouldRetryRetryableErrorsInANewRoundAndFailPermanentOnesWithTheReason() throws Exception {
    seed(key(leakedId, leakedSecret));
    try (CloudRemediationEngine engine = new CloudRemediationEngine(fleet, TEMPLATE, Clock.systemUTC(), 4, 2, 3,
        Duration.ofMillis(10))) {
      // Given CreateAccessKey fails more often than the SDK caller retries (4 attempts), once
      emulator.faults().configure(new Faults.Config(1L, List.of(
          new Faults.Rule("Ram:CreateAccessKey", null, "ServiceUnavailable", null, null, 5)), null));
      AtomicReference<RemediationJournal> last = new AtomicReference<>();
      engine.submit(aliceJournal("inc-retry", null), last::set);

      // Then a second round reconciles and finishes the rotation
      await().atMost(Duration.ofSeconds(30)).until(() -> last.get() != null
          && last.get().getPhase() == JournalPhase.DONE);
      assertRotatedExactlyOnce(last.get(), "inc-retry");
      assertEquals(2, last.get().getRounds());

      // And a permanent error (the remediator may not act on the user) ends FAILED with the reason
      emulator.faults().configure(new Faults.Config(1L, List.of(
          new Faults.Rule("Ram:ListAccessKeys", null, "NoPermission", null, null, 1)), null));
      AtomicReference<RemediationJournal> failed = new AtomicReference<>();
      engine.submit(journalFor(Leaks.ownedBy("inc-denied", SyntheticKeys.accessKeyId(), account, "alice"), null),
          failed::set);
      await().atMost(Duration.ofSeconds(30)).until(() -> failed.get() != null
          && failed.get().getPhase() == JournalPhase.DONE);
      assertEquals(RemediationStatus.FAILED, failed.get().getStatus());
      assertTrue(failed.get().getReason().startsWith("ListAccessKeys failed: NoPermission"), failed.get().getReason());
    }
    assertFalse(new Secret(leakedSecret).toString().contains(leakedSecret));
  }
}
