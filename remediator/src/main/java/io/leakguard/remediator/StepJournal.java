package io.leakguard.remediator;

import io.leakguard.cloud.CloudException;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.JournalStep;
import io.leakguard.schemas.JournalStepStatus;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The journal of one run: every cloud step is recorded when it starts and when it ends, and each snapshot goes to
 * {@code progress}, so a run killed at any point leaves a journal the next run can reconcile from. A cancelled run
 * stops before its next step.
 */
final class StepJournal {

  /** The run was cancelled (its task moved to another instance or the service stops): stop silently. */
  static final class Cancelled extends RuntimeException {
    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  /** A destructive step refused by the blast-radius limit: the run holds its incident instead. */
  static final class Held extends RuntimeException {
    final BlastRadius.Refusal refusal;

    Held(BlastRadius.Refusal refusal) {
      super(refusal.reason(), null, false, false);
      this.refusal = refusal;
    }
  }

  @FunctionalInterface
  interface CloudCall<T> {
    T call() throws CloudException;
  }

  private final Clock clock;
  private final RemediationJournal.Builder journal;
  private final Consumer<RemediationJournal> progress;
  private final BooleanSupplier cancelled;
  private final List<JournalStep> steps;
  private final BlastRadius blastRadius;

  StepJournal(Clock clock, RemediationJournal journal, Consumer<RemediationJournal> progress,
      BooleanSupplier cancelled) {
    this(clock, journal, progress, cancelled, null);
  }

  /** @param blastRadius counts the destructive steps, or null for no limit */
  StepJournal(Clock clock, RemediationJournal journal, Consumer<RemediationJournal> progress,
      BooleanSupplier cancelled, BlastRadius blastRadius) {
    this.blastRadius = blastRadius;
    this.clock = clock;
    this.journal = RemediationJournal.newBuilder(journal);
    this.progress = progress;
    this.cancelled = cancelled;
    this.steps = new ArrayList<>(journal.getSteps());
  }

  /** The journal being written: the remediations record what they learn in it, the steps are this class's. */
  RemediationJournal.Builder entry() {
    return journal;
  }

  RemediationJournal snapshot() {
    journal.setSteps(List.copyOf(steps));
    return journal.build();
  }

  Instant now() {
    return clock.instant();
  }

  /** True when a step of that name was journaled, in this run or an earlier one. */
  boolean hasStep(String name) {
    return steps.stream().anyMatch(s -> s.getName().equals(name));
  }

  /** Runs one cloud call as a journaled step; {@code describe} says what it did, without secrets. */
  <T> T step(String name, CloudCall<T> call, Function<T, String> describe) throws CloudException {
    if (cancelled.getAsBoolean()) {
      throw new Cancelled();
    }
    if (blastRadius != null && BlastRadius.DESTRUCTIVE.contains(name)) {
      BlastRadius.Refusal refused = blastRadius.admit(journal.getOwner().getAccountId());
      if (refused != null) {
        throw new Held(refused);
      }
    }
    Instant started = clock.instant();
    steps.add(JournalStep.newBuilder().setName(name).setStartedAt(started).setStatus(JournalStepStatus.STARTED)
        .build());
    publish();
    try {
      T result = call.call();
      end(name, started, JournalStepStatus.OK, describe.apply(result));
      return result;
    } catch (CloudException e) {
      end(name, started, JournalStepStatus.FAILED, e.getMessage());
      throw e;
    }
  }

  private void end(String name, Instant started, JournalStepStatus status, String detail) {
    steps.set(steps.size() - 1, JournalStep.newBuilder().setName(name).setStartedAt(started)
        .setFinishedAt(clock.instant()).setStatus(status).setDetail(detail).build());
    publish();
  }

  /** Ends the incident as FAILED with the reason (a permanent error, or retries exhausted), naming the last step. */
  void fail(CloudException error) {
    String step = steps.isEmpty() ? "start" : steps.get(steps.size() - 1).getName();
    finish(RemediationStatus.FAILED, step + " failed: " + error.getMessage());
  }

  void finish(RemediationStatus status, String reason) {
    journal.setStatus(status).setReason(reason).setPhase(JournalPhase.DONE);
    publish();
  }

  /** Sends the journal as it stands to {@code progress}. */
  void publish() {
    progress.accept(snapshot());
  }
}
