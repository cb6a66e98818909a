package io.leakguard.remediator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testkit.SyntheticKeys;
import io.leakguard.testkit.TestDrivers;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.DeadLetter;
import io.leakguard.schemas.Decision;
import io.leakguard.schemas.FailureStage;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.ProbeResult;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationMode;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStrategy;
import io.leakguard.schemas.TopicCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The remediator's topology with a fake engine: the stream thread journals, dedupes, waits for approvals and emits
 * outcomes; the engine's cloud work is played by the test.
 */
class RemediatorTopologyTest {

  private static final Instant START = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(30);

  private final TopicCatalog topics = new TopicCatalog("test.");
  private final FakeEngine engine = new FakeEngine();
  private TopologyTestDriver driver;
  private TestInputTopic<String, LeakEnriched> leaks;
  private TestInputTopic<String, ApprovalDecision> approvals;
  private TestOutputTopic<String, RemediationOutcome> outcomes;
  private TestOutputTopic<String, DeadLetter> deadLetters;
  private TestInputTopic<String, io.leakguard.schemas.PauseSwitch> control;
  private final List<io.leakguard.schemas.PauseSwitch> selfPauses = new ArrayList<>();

  /** Records submissions; the test reports progress as the workers would. */
  static final class FakeEngine implements RemediationEngine {
    final List<RemediationJournal> submitted = new ArrayList<>();
    final List<Consumer<RemediationJournal>> reports = new ArrayList<>();

    @Override
    public Handle submit(RemediationJournal journal, Consumer<RemediationJournal> progress) {
      if (journal.getAccessKeyId().endsWith("BOOM")) {
        throw new IllegalStateException("unexpected bug");
      }
      submitted.add(journal);
      reports.add(progress);
      return () -> {};
    }

    void report(int run, RemediationJournal snapshot) {
      reports.get(run).accept(snapshot);
    }

    void finish(int run, RemediationStatus status) {
      report(run, RemediationJournal.newBuilder(submitted.get(run)).setPhase(JournalPhase.DONE).setStatus(status)
          .setNewAccessKeyId(status == RemediationStatus.ROTATED ? SyntheticKeys.accessKeyId() : null).build());
    }
  }

  @BeforeEach
  void setUp() {
    start(RemediationPolicy.builtIn());
  }

  private void start(RemediationPolicy policy) {
    start(policy, RetrySchedule.NONE);
  }

  private void start(RemediationPolicy policy, RetrySchedule retries) {
    if (driver != null) {
      driver.close();
    }
    driver = TestDrivers.driver(new RemediatorApp(), RemediatorTopology.build(topics, engine, policy,
        APPROVAL_TIMEOUT, Duration.ofMillis(10), retries, io.leakguard.runtime.Metrics.none(), selfPauses::add),
        START, "--topic.prefix=test.");
    control = driver.createInputTopic(topics.control().name(), new StringSerializer(),
        topics.control().valueSerde().serializer());
    leaks = driver.createInputTopic(topics.leaksEnriched().name(), new StringSerializer(),
        topics.leaksEnriched().valueSerde().serializer());
    approvals = driver.createInputTopic(topics.approvals().name(), new StringSerializer(),
        topics.approvals().valueSerde().serializer());
    outcomes = driver.createOutputTopic(topics.remediationOutcomes().name(),
        topics.remediationOutcomes().keySerde().deserializer(),
        topics.remediationOutcomes().valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters("remediator").name(),
        topics.deadLetters("remediator").keySerde().deserializer(),
        topics.deadLetters("remediator").valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void tick() {
    driver.advanceWallClockTime(Duration.ofMillis(250));
  }

  private KeyValueStore<String, RemediationJournal> journal() {
    return driver.getKeyValueStore(RemediatorTopology.JOURNAL_STORE);
  }

  @Test
  void shouldJournalTheLeakAndEmitOneOutcomeKeyedByAccessKeyIdWhenTheRunEnds() {
    // Given a leak of alice's key
    String id = SyntheticKeys.accessKeyId();
    leaks.pipeInput(id, Leaks.ownedBy("inc-1", id, "1000000000000001", "alice"));

    // When the engine reports a step, then the end
    assertEquals(1, engine.submitted.size());
    assertEquals(JournalPhase.PENDING, journal().get(id).getPhase());
    engine.report(0, RemediationJournal.newBuilder(engine.submitted.get(0))
        .setRemediationStrategy(RemediationStrategy.REPLACE_FIRST).build());
    tick();
    assertTrue(outcomes.isEmpty(), "no outcome while the run is in progress");
    engine.finish(0, RemediationStatus.ROTATED);
    tick();

    // Then one outcome, keyed by the AccessKey ID, and the journal is done
    var outcome = outcomes.readKeyValue();
    assertEquals(id, outcome.key);
    assertEquals(RemediationStatus.ROTATED, outcome.value.getStatus());
    assertEquals("inc-1", outcome.value.getIncidentId());
    assertEquals(RemediationMode.AUTO, outcome.value.getRemediationMode());
    assertEquals(JournalPhase.DONE, journal().get(id).getPhase());
    assertTrue(outcomes.isEmpty());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void shouldNeverStartASecondRunForADuplicateOrRedeliveredLeak() {
    String id = SyntheticKeys.accessKeyId();
    LeakEnriched leak = Leaks.ownedBy("inc-dup", id, "1000000000000001", "alice");

    // Given the same incident arrives twice while running, and once more after it ended
    leaks.pipeInput(id, leak);
    leaks.pipeInput(id, leak);
    engine.finish(0, RemediationStatus.ROTATED);
    tick();
    leaks.pipeInput(id, leak);
    tick();

    // Then the engine ran it once and there is exactly one outcome
    assertEquals(1, engine.submitted.size());
    assertEquals(1, outcomes.readRecordsToList().size());
  }

  @Test
  void shouldEscalateARootKeyAndAKeyOutsideTheFleetWithoutCloudWork() {
    String root = SyntheticKeys.accessKeyId();
    String outside = SyntheticKeys.accessKeyId();

    leaks.pipeInput(root, Leaks.builder("inc-root", root, START).setOwnerKind(OwnerKind.ROOT_ACCOUNT).build());
    leaks.pipeInput(outside, Leaks.builder("inc-out", outside, START).setOwnerKind(OwnerKind.OUTSIDE_FLEET).build());

    List<RemediationOutcome> all = outcomes.readValuesToList();
    assertEquals(List.of(RemediationStatus.ESCALATED, RemediationStatus.ESCALATED),
        all.stream().map(RemediationOutcome::getStatus).toList());
    assertEquals(RemediationStrategy.ESCALATE, all.get(0).getRemediationStrategy());
    assertTrue(all.get(0).getReason().contains("root"), all.get(0).getReason());
    assertTrue(all.get(1).getReason().contains("no account of the fleet"), all.get(1).getReason());
    assertTrue(engine.submitted.isEmpty());
  }

  @Test
  void shouldNotRotateOnARumorTheProbeDisproved() {
    // Given alice's real key ID leaked next to 30 characters that STS refused as its secret, and a key STS does not know
    String rumor = SyntheticKeys.accessKeyId();
    String unknown = SyntheticKeys.accessKeyId();
    leaks.pipeInput(rumor, LeakEnriched.newBuilder(Leaks.ownedBy("inc-rumor", rumor, "1000000000000001", "alice"))
        .setProbe(ProbeResult.SECRET_WRONG).setLive(false).build());
    leaks.pipeInput(unknown, LeakEnriched.newBuilder(Leaks.of("inc-unknown", unknown, START))
        .setProbe(ProbeResult.KEY_NOT_FOUND).setLive(false).build());

    // Then neither is touched: the ID-only exposure is escalated to people, the unknown key skipped
    List<RemediationOutcome> all = outcomes.readValuesToList();
    assertEquals(List.of(RemediationStatus.ESCALATED, RemediationStatus.SKIPPED),
        all.stream().map(RemediationOutcome::getStatus).toList());
    assertTrue(all.get(0).getReason().contains("ID-only exposure"), all.get(0).getReason());
    assertTrue(all.get(1).getReason().contains("does not exist"), all.get(1).getReason());
    assertTrue(engine.submitted.isEmpty());
  }

  @Test
  void shouldRotateAnIdOnlyExposureWhenThePolicySaysSo() {
    start(RemediationPolicy.parse("{\"default\":{\"idOnly\":\"rotate\"}}"));
    String rumor = SyntheticKeys.accessKeyId();

    leaks.pipeInput(rumor, LeakEnriched.newBuilder(Leaks.ownedBy("inc-rumor", rumor, "1000000000000001", "alice"))
        .setProbe(ProbeResult.SECRET_WRONG).setLive(false).build());

    assertEquals(1, engine.submitted.size());
    assertTrue(outcomes.isEmpty());
  }

  @Test
  void shouldRetryAFailedIncidentWhoseKeyMayBeLiveOnScheduleKeepingItsJournal() {
    start(RemediationPolicy.builtIn(), new RetrySchedule(List.of(Duration.ofMinutes(1)), 3));
    String id = SyntheticKeys.accessKeyId();
    String created = SyntheticKeys.accessKeyId();
    leaks.pipeInput(id, Leaks.ownedBy("inc-retry", id, "1000000000000001", "alice"));

    // Given the first attempt created a key, then failed before deleting the leaked one
    engine.report(0, RemediationJournal.newBuilder(engine.submitted.get(0)).setCreatedKeyIds(List.of(created))
        .setPhase(JournalPhase.DONE).setStatus(RemediationStatus.FAILED).setReason("DeleteAccessKey throttled")
        .build());
    tick();

    // Then the outcome says the key may still work and when LeakGuard tries again
    RemediationOutcome failed = outcomes.readValue();
    assertEquals(RemediationStatus.FAILED, failed.getStatus());
    assertTrue(failed.getCredentialMayBeLive());
    assertEquals(1, failed.getAttempt());
    assertTrue(failed.getNextRetryAt() != null);
    assertEquals(1, engine.submitted.size());

    // When the retry interval passes, the second attempt runs with the first one's journal
    driver.advanceWallClockTime(Duration.ofSeconds(61));
    assertEquals(2, engine.submitted.size());
    RemediationJournal second = engine.submitted.get(1);
    assertEquals(2, second.getAttempt());
    assertEquals(List.of(created), second.getCreatedKeyIds());
    assertTrue(second.getSteps().stream().anyMatch(step -> step.getName().equals("Retry")));
    engine.finish(1, RemediationStatus.ROTATED);
    tick();
    RemediationOutcome rotated = outcomes.readValue();
    assertEquals(RemediationStatus.ROTATED, rotated.getStatus());
    assertEquals(2, rotated.getAttempt());
  }

  @Test
  void shouldRetryAFailedIncidentAtOnceOnANewSighting() {
    // Given no retry schedule and a failed incident
    String id = SyntheticKeys.accessKeyId();
    LeakEnriched leak = Leaks.ownedBy("inc-seen-again", id, "1000000000000001", "alice");
    leaks.pipeInput(id, leak);
    engine.finish(0, RemediationStatus.FAILED);
    tick();
    assertNull(outcomes.readValue().getNextRetryAt());

    // When the key is sighted again, then the next attempt starts at once
    leaks.pipeInput(id, leak);
    assertEquals(2, engine.submitted.size());
    assertEquals(2, engine.submitted.get(1).getAttempt());
  }

  @Test
  void shouldWaitForApprovalThenRunWhenApproved() {
    // Given a policy in approve mode and a run that planned and now waits
    start(RemediationPolicy.parse("{\"default\":{\"mode\":\"approve\"}}"));
    String id = SyntheticKeys.accessKeyId();
    leaks.pipeInput(id, Leaks.ownedBy("inc-approve", id, "1000000000000001", "alice"));
    assertEquals(RemediationMode.APPROVE, engine.submitted.get(0).getRemediationMode());
    engine.report(0, RemediationJournal.newBuilder(engine.submitted.get(0))
        .setPhase(JournalPhase.AWAITING_APPROVAL).setStatus(RemediationStatus.AWAITING_APPROVAL)
        .setPlan(List.of("RAM CreateAccessKey for user alice")).build());
    tick();
    RemediationOutcome waiting = outcomes.readValue();
    assertEquals(RemediationStatus.AWAITING_APPROVAL, waiting.getStatus());
    assertEquals(List.of("RAM CreateAccessKey for user alice"), waiting.getPlan());

    // When a person approves
    approvals.pipeInput("inc-approve", decision("inc-approve", Decision.APPROVE));
    tick();

    // Then the run is submitted again, approved, and its end is the incident's outcome
    assertEquals(2, engine.submitted.size());
    assertEquals(JournalPhase.APPROVED, engine.submitted.get(1).getPhase());
    engine.finish(1, RemediationStatus.ROTATED);
    tick();
    assertEquals(RemediationStatus.ROTATED, outcomes.readValue().getStatus());
    assertTrue(outcomes.isEmpty());
  }

  private static io.leakguard.schemas.PauseSwitch pause(String scope, boolean paused) {
    return io.leakguard.schemas.PauseSwitch.newBuilder().setScope(scope).setPaused(paused).setDecidedBy("soc-alice")
        .setReason(paused ? "false positive storm" : null).setDecidedAt(START).build();
  }

  @Test
  void shouldHoldNewIncidentsOfAPausedAccountUntilItIsResumed() {
    // Given account ...001 is paused, and a leak of an account that is not
    control.pipeInput("1000000000000001", pause("1000000000000001", true));
    String held = SyntheticKeys.accessKeyId();
    String other = SyntheticKeys.accessKeyId();
    leaks.pipeInput(held, Leaks.ownedBy("inc-held", held, "1000000000000001", "alice"));
    leaks.pipeInput(other, Leaks.ownedBy("inc-other", other, "1000000000000002", "bob"));

    // Then the paused account's run is told it is held (it contains and waits); the other runs as usual
    assertEquals(2, engine.submitted.size());
    assertTrue(engine.submitted.get(0).getPausedBy().contains("paused in account 1000000000000001 by soc-alice "
        + "(false positive storm)"), engine.submitted.get(0).getPausedBy());
    assertNull(engine.submitted.get(1).getPausedBy());
    engine.report(0, RemediationJournal.newBuilder(engine.submitted.get(0)).setPhase(JournalPhase.AWAITING_APPROVAL)
        .setStatus(RemediationStatus.CONTAINED).setContained(true)
        .setReason(Journals.heldReason(engine.submitted.get(0).getPausedBy())).build());
    tick();
    RemediationOutcome contained = outcomes.readValue();
    assertEquals(RemediationStatus.CONTAINED, contained.getStatus());
    assertTrue(contained.getReason().startsWith("held, nothing destructive done: paused in account"),
        contained.getReason());
    // and nothing escalates or runs while the pause lasts, however long
    driver.advanceWallClockTime(APPROVAL_TIMEOUT.plusMinutes(1));
    assertEquals(2, engine.submitted.size());
    assertTrue(outcomes.isEmpty());

    // When the account is resumed
    control.pipeInput("1000000000000001", pause("1000000000000001", false));
    tick();

    // Then the held incident continues, approved by nobody but no longer held
    assertEquals(3, engine.submitted.size());
    assertEquals(JournalPhase.APPROVED, engine.submitted.get(2).getPhase());
    assertNull(engine.submitted.get(2).getPausedBy());
    engine.finish(2, RemediationStatus.ROTATED);
    tick();
    assertEquals(RemediationStatus.ROTATED, outcomes.readValue().getStatus());
  }

  @Test
  void shouldNotActOnAnApprovalWhileTheFleetIsPaused() {
    start(RemediationPolicy.parse("{\"default\":{\"mode\":\"approve\"}}"));
    String id = SyntheticKeys.accessKeyId();
    leaks.pipeInput(id, Leaks.ownedBy("inc-ap", id, "1000000000000001", "alice"));
    engine.report(0, RemediationJournal.newBuilder(engine.submitted.get(0)).setPhase(JournalPhase.AWAITING_APPROVAL)
        .setStatus(RemediationStatus.AWAITING_APPROVAL).build());
    tick();
    outcomes.readValue();

    // Given the fleet is paused, a person's approval waits
    control.pipeInput("*", pause("*", true));
    approvals.pipeInput("inc-ap", decision("inc-ap", Decision.APPROVE));
    tick();
    assertEquals(1, engine.submitted.size());

    // and is acted on once the fleet resumes
    control.pipeInput("*", pause("*", false));
    tick();
    assertEquals(2, engine.submitted.size());
    assertEquals(JournalPhase.APPROVED, engine.submitted.get(1).getPhase());
  }

  @Test
  void shouldPauseTheAccountItselfOnceWhenTheBlastRadiusIsReached() {
    // Given two runs of one account held by the blast-radius limit
    String first = SyntheticKeys.accessKeyId();
    String second = SyntheticKeys.accessKeyId();
    leaks.pipeInput(first, Leaks.ownedBy("inc-b1", first, "1000000000000001", "alice"));
    leaks.pipeInput(second, Leaks.ownedBy("inc-b2", second, "1000000000000001", "bob"));
    String reason = "blast radius: 5 destructive actions in account 1000000000000001 within a minute (the limit) "
        + "[scope 1000000000000001]";
    for (int run = 0; run < 2; run++) {
      engine.report(run, RemediationJournal.newBuilder(engine.submitted.get(run)).setPausedBy(reason)
          .setPhase(JournalPhase.AWAITING_APPROVAL).setStatus(RemediationStatus.CONTAINED).setContained(true).build());
    }
    tick();

    // Then the account is paused on the control topic once, by the remediator, with the reason
    assertEquals(1, selfPauses.size());
    assertEquals("1000000000000001", selfPauses.get(0).getScope());
    assertTrue(selfPauses.get(0).getPaused());
    assertEquals("remediator (blast radius)", selfPauses.get(0).getDecidedBy());
    assertEquals("blast radius: 5 destructive actions in account 1000000000000001 within a minute (the limit)",
        selfPauses.get(0).getReason());
    // and the held incidents stay held until a person resumes the account (after the pause is in the table)
    control.pipeInput("1000000000000001", selfPauses.get(0));
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    assertEquals(2, engine.submitted.size());
    control.pipeInput("1000000000000001", pause("1000000000000001", false));
    tick();
    assertEquals(4, engine.submitted.size());
  }

  /** An approve-mode incident whose run contained its key ({@code containedBy}) and waits for a decision. */
  private void containedAndWaiting(String incident, String containedBy) {
    start(RemediationPolicy.parse("{\"default\":{\"mode\":\"approve\"}}"));
    String id = SyntheticKeys.accessKeyId();
    leaks.pipeInput(id, Leaks.ownedBy(incident, id, "1000000000000001", "alice"));
    engine.report(0, RemediationJournal.newBuilder(engine.submitted.get(0))
        .setPhase(JournalPhase.AWAITING_APPROVAL).setStatus(RemediationStatus.CONTAINED).setContained(true)
        .setContainedBy(containedBy).build());
    tick();
    assertEquals(RemediationStatus.CONTAINED, outcomes.readValue().getStatus());
  }

  @Test
  void shouldEndRejectedWhenAPersonRejects() {
    containedAndWaiting("inc-reject", AccessKeyRemediation.DISABLED);

    approvals.pipeInput("inc-reject", decision("inc-reject", Decision.REJECT));
    tick();

    RemediationOutcome rejected = outcomes.readValue();
    assertEquals(RemediationStatus.REJECTED, rejected.getStatus());
    assertTrue(rejected.getReason().startsWith("rejected by carol: not this one"), rejected.getReason());
    assertEquals(1, engine.submitted.size());
  }

  @Test
  void shouldHandARejectedKeyContainedByANetworkPolicyToARunThatRestoresIt() {
    containedAndWaiting("inc-restore", AccessKeyRemediation.NETWORK_POLICY);

    approvals.pipeInput("inc-restore", decision("inc-restore", Decision.REJECT));
    tick();

    // No outcome yet: a run restores the key's previous policy first, and that run ends the incident REJECTED
    assertTrue(outcomes.isEmpty());
    assertEquals(2, engine.submitted.size());
    RemediationJournal rejecting = engine.submitted.get(1);
    assertTrue(rejecting.getRejecting());
    assertEquals(JournalPhase.APPROVED, rejecting.getPhase());
    assertEquals("carol", rejecting.getDecidedBy());
    assertTrue(rejecting.getReason().startsWith("rejected by carol: not this one"), rejecting.getReason());
  }

  @Test
  void shouldEscalateWhenNoDecisionArrivesInTime() {
    start(RemediationPolicy.parse("{\"default\":{\"mode\":\"approve\"}}"));
    String id = SyntheticKeys.accessKeyId();
    leaks.pipeInput(id, Leaks.ownedBy("inc-timeout", id, "1000000000000001", "alice"));
    engine.report(0, RemediationJournal.newBuilder(engine.submitted.get(0))
        .setPhase(JournalPhase.AWAITING_APPROVAL).setStatus(RemediationStatus.AWAITING_APPROVAL).build());
    tick();
    outcomes.readValue();

    driver.advanceWallClockTime(APPROVAL_TIMEOUT.plusSeconds(1));

    RemediationOutcome escalated = outcomes.readValue();
    assertEquals(RemediationStatus.ESCALATED, escalated.getStatus());
    assertTrue(escalated.getReason().startsWith("no approval decision within"), escalated.getReason());
  }

  @Test
  void shouldDeadLetterAnUnreadableRecordAndCarryOn() {
    // Given bytes that are not a LeakEnriched, then a good leak
    var raw = driver.createInputTopic(topics.leaksEnriched().name(), new StringSerializer(), new ByteArraySerializer());
    raw.pipeInput("junk", new byte[] {1, 2, 3});
    String id = SyntheticKeys.accessKeyId();
    leaks.pipeInput(id, Leaks.of("inc-2", id, START));
    engine.finish(0, RemediationStatus.ROTATED);
    tick();

    // Then the junk is a dead letter and the leak is remediated
    DeadLetter letter = deadLetters.readValue();
    assertEquals(FailureStage.DESERIALIZATION, letter.getStage());
    assertEquals(topics.leaksEnriched().name(), letter.getSourceTopic());
    assertEquals(1, outcomes.readRecordsToList().size());
  }

  @Test
  void shouldDeadLetterAnUnexpectedFailureAndCarryOn() {
    String bad = SyntheticKeys.accessKeyId().substring(0, 20) + "BOOM";
    String good = SyntheticKeys.accessKeyId();

    leaks.pipeInput(bad, Leaks.of("inc-3", bad, START));
    leaks.pipeInput(good, Leaks.of("inc-4", good, START));
    engine.finish(0, RemediationStatus.ROTATED);
    tick();

    DeadLetter letter = deadLetters.readValue();
    assertEquals(FailureStage.PROCESSING, letter.getStage());
    assertTrue(letter.getReason().contains("unexpected bug"), letter.getReason());
    assertEquals(List.of("inc-4"), outcomes.readValuesToList().stream().map(RemediationOutcome::getIncidentId).toList());
  }

  private static ApprovalDecision decision(String incident, Decision decision) {
    return ApprovalDecision.newBuilder().setIncidentId(incident).setDecision(decision).setDecidedBy("carol")
        .setDecidedAt(START).setComment(decision == Decision.REJECT ? "not this one" : null).build();
  }
}
