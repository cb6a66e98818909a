package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyuncs.auth.BasicCredentials;
import com.aliyuncs.auth.StaticCredentialsProvider;
import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudSettings;
import io.leakguard.cloud.FleetSettings;
import io.leakguard.emulator.Emulator;
import io.leakguard.emulator.KeyView;
import io.leakguard.emulator.StateSnapshot;
import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestFleet;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.JournalStepStatus;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared fixture of the remediation tests that run against the emulator through the real SDK over HTTP: a fresh
 * emulator and fleet per test, the seeding of RAM user alice, and runs that can be "killed" at a chosen step.
 */
abstract class EmulatedCloudTest {

  static final String TEMPLATE = "leakguard/{accountId}/{userName}";
  static final Instant KEYS_CREATED = Instant.parse("2026-01-01T00:00:00Z");
  final String account = SyntheticKeys.accountId();
  final String operatorId = SyntheticKeys.accessKeyId();
  final String operatorSecret = SyntheticKeys.secret();
  final String leakedId = SyntheticKeys.accessKeyId();
  final String leakedSecret = SyntheticKeys.secret();
  Emulator emulator;
  CloudFleet fleet;

  @BeforeEach
  void setUp() throws Exception {
    emulator = Emulator.builder().build().start();
    fleet = CloudFleet.with(settings(), FleetSettings.single(),
        new StaticCredentialsProvider(new BasicCredentials(operatorId, operatorSecret)));
  }

  @AfterEach
  void tearDown() {
    fleet.close();
    emulator.close();
  }

  CloudSettings settings() {
    return CloudSettings.defaults("cn-hangzhou").withEndpointForAll(URI.create(emulator.endpoint()));
  }

  /** The account: LeakGuard's user and alice, with the keys {@code aliceKeys} gives her. */
  TestFleet.Account fleetWith(Consumer<TestFleet.User> aliceKeys) {
    return TestFleet.account(account).alias("test")
        .user("leakguard", u -> u.key(operatorId, operatorSecret)
            .systemPolicy("AliyunRAMFullAccess").systemPolicy("AliyunKMSFullAccess"))
        .user("alice", u -> aliceKeys.accept(u.email("alice@example.com")));
  }

  void seed(Consumer<TestFleet.User> aliceKeys) {
    fleetWith(aliceKeys).seed(emulator);
  }

  static Consumer<TestFleet.User> key(String id, String secret) {
    return u -> u.key(id, secret, KEYS_CREATED);
  }

  RemediationJournal journalFor(LeakEnriched leak, String policy) {
    return Journals.open(leak, policy == null ? RemediationPolicy.builtIn() : RemediationPolicy.parse(policy),
        Instant.now());
  }

  RemediationJournal aliceJournal(String incident, String policy) {
    return journalFor(Leaks.ownedBy(incident, leakedId, account, "alice"), policy);
  }

  /** Runs to the end (or to a wait) and returns the last journal snapshot. */
  RemediationJournal run(RemediationJournal journal) throws CloudException {
    return runUntil(journal, j -> false);
  }

  /** Runs until the journal matches {@code stop}, which plays a remediator killed right there. */
  RemediationJournal runUntil(RemediationJournal journal, Predicate<RemediationJournal> stop)
      throws CloudException {
    AtomicReference<RemediationJournal> last = new AtomicReference<>(journal);
    RemediationRun run = new RemediationRun(fleet, TEMPLATE, Clock.systemUTC(), journal, last::set,
        () -> stop.test(last.get()));
    try {
      run.run();
    } catch (StepJournal.Cancelled killed) {
      // the "crash": whatever was journaled so far is all the next run gets
    }
    return last.get();
  }

  List<String> aliceKeys() {
    return emulator.state().snapshot().keys().stream().filter(k -> "alice".equals(k.userName()))
        .map(KeyView::accessKeyId).toList();
  }

  StateSnapshot.SecretVersionView current(String secretName) {
    return emulator.state().snapshot().secrets().stream().filter(s -> s.secretName().equals(secretName))
        .findFirst().orElseThrow().versions().stream().filter(v -> v.stages().contains("ACSCurrent"))
        .findFirst().orElseThrow();
  }

  static List<String> stepNames(RemediationJournal journal) {
    return journal.getSteps().stream().map(JournalStep::getName).toList();
  }

  static Predicate<RemediationJournal> after(String step) {
    return j -> j.getSteps().stream().anyMatch(s -> s.getName().equals(step) && s.getStatus() == JournalStepStatus.OK);
  }

  void assertRotatedExactlyOnce(RemediationJournal done, String incident) {
    assertEquals(RemediationStatus.ROTATED, done.getStatus(), done.getReason());
    assertTrue(emulator.state().key(leakedId).isEmpty(), "the leaked key is deleted");
    String newKey = done.getNewAccessKeyId();
    assertEquals(List.of(newKey), aliceKeys(), "alice has exactly the new key");
    var current = current("leakguard/" + account + "/alice");
    assertEquals(newKey, current.accessKeyId());
    assertEquals(incident, current.versionId());
  }
}
