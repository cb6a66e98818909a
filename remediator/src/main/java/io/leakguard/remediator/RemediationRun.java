package io.leakguard.remediator;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.time.Clock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One run (or resumption) of one incident's cloud work, on a worker thread: counts the round, then hands the incident
 * to {@link AccessKeyRemediation} (a RAM user's key) or {@link RoleRemediation} (an STS token). Every step is
 * journaled ({@link StepJournal}) and idempotent, and each remediation starts by reconciling with the cloud, so a run
 * may be repeated after a crash at any point.
 */
final class RemediationRun {

  private final CloudFleet fleet;
  private final String secretNameTemplate;
  private final StepJournal steps;
  private final java.time.Duration evidenceWindow;

  RemediationRun(CloudFleet fleet, String secretNameTemplate, Clock clock, RemediationJournal journal,
      Consumer<RemediationJournal> progress, BooleanSupplier cancelled) {
    this(fleet, secretNameTemplate, clock, journal, progress, cancelled, null, Evidence.DEFAULT_WINDOW);
  }

  /**
   * @param blastRadius    the limit on destructive steps, or null for none
   * @param evidenceWindow how far before the sighting the evidence record's ActionTrail events reach (0: none)
   */
  RemediationRun(CloudFleet fleet, String secretNameTemplate, Clock clock, RemediationJournal journal,
      Consumer<RemediationJournal> progress, BooleanSupplier cancelled, BlastRadius blastRadius,
      java.time.Duration evidenceWindow) {
    this.evidenceWindow = evidenceWindow;
    this.fleet = fleet;
    this.secretNameTemplate = secretNameTemplate;
    this.steps = new StepJournal(clock, journal, progress, cancelled, blastRadius);
  }

  /**
   * Holds the incident after the blast-radius limit refused a step: it waits, contained where the policy allows,
   * nothing destructive done, until the scope is resumed.
   */
  void hold(String reason) throws CloudException {
    steps.entry().setPausedBy(reason).setPhase(io.leakguard.schemas.JournalPhase.PENDING);
    run();
  }

  RemediationJournal journal() {
    return steps.snapshot();
  }

  /**
   * Runs until the incident is finished, waits for approval, or a cloud call fails (thrown); a cancelled run throws
   * {@link StepJournal.Cancelled}, an unsafe deletion target {@link AccessKeyRemediation.TargetUnsafe}.
   */
  void run() throws CloudException {
    RemediationJournal.Builder journal = steps.entry();
    journal.setRounds(journal.getRounds() + 1);
    steps.publish();
    if (Journals.isStsToken(steps.snapshot())) {
      new RoleRemediation(fleet, steps, evidenceWindow).run();
    } else {
      new AccessKeyRemediation(fleet, secretNameTemplate, steps, evidenceWindow).run();
    }
  }

  /** Ends the incident as FAILED with the reason (a permanent error, or retries exhausted). */
  void fail(CloudException error) {
    steps.fail(error);
  }

  void finish(RemediationStatus status, String reason) {
    steps.finish(status, reason);
  }
}
