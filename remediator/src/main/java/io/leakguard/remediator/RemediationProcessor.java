package io.leakguard.remediator;

import io.leakguard.runtime.IncidentMdc;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.Decision;
import io.leakguard.schemas.JournalPhase;
import io.leakguard.schemas.LeakEnriched;
import io.leakguard.schemas.OwnerKind;
import io.leakguard.schemas.ProbeResult;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.RemediationStrategy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-thread half of the remediator. It never calls the cloud:
 *
 * <ol>
 *   <li>A leak opens a journal entry keyed by the leaked AccessKey ID and hands it to the {@link RemediationEngine}.
 *       A duplicate or redelivered leak finds the entry and does nothing, so a key is never rotated twice.</li>
 *   <li>Workers report journal snapshots into a queue; a wall-clock punctuator drains it, writes each into the
 *       journal store (changelogged, so durable at the next exactly-once commit) and forwards an outcome when the
 *       status changes (waiting for approval, contained, finished).</li>
 *   <li>On start and after a rebalance (init), every unfinished entry is resubmitted; the run reconciles with the cloud
 *       first. A crash between a journal write and its commit only replays input and journal, and the run's
 *       reconciliation keeps the cloud effects exactly once.</li>
 *   <li>Entries waiting for approval look their incident up in the approvals table (a global table keyed by incident
 *       ID, so its partitioning does not matter) and escalate when the deadline passes.</li>
 * </ol>
 */
final class RemediationProcessor implements Processor<String, LeakEnriched, String, RemediationOutcome> {

  private static final Logger LOG = LoggerFactory.getLogger(RemediationProcessor.class);

  private final String journalStoreName;
  private final String approvalsStoreName;
  private final String controlStoreName;
  private final java.util.function.Consumer<io.leakguard.schemas.PauseSwitch> pauser;
  private final RemediationEngine engine;
  private final RemediationPolicy policy;
  private final Duration approvalTimeout;
  private final Duration drainInterval;
  private final RetrySchedule retries;
  private final RemediatorMeters meters;
  private long lastGauges = Long.MIN_VALUE;

  private final ConcurrentLinkedQueue<RemediationJournal> reports = new ConcurrentLinkedQueue<>();
  private final Map<String, RemediationEngine.Handle> active = new HashMap<>();
  private final Set<String> waiting = new LinkedHashSet<>();
  /** FAILED incidents with a retry due, by key. */
  private final Set<String> retrying = new LinkedHashSet<>();
  private ProcessorContext<String, RemediationOutcome> context;
  private KeyValueStore<String, RemediationJournal> journal;
  private KeyValueStore<String, ValueAndTimestamp<ApprovalDecision>> approvals;
  private KeyValueStore<String, ValueAndTimestamp<io.leakguard.schemas.PauseSwitch>> control;
  /**
   * Scopes this task paused itself (blast radius), with when, until the control table shows the pause: paused once,
   * not per incident, and not resumed by mistake before the pause arrives.
   */
  private final Map<String, Long> selfPaused = new HashMap<>();
  /** How long a pause this task wrote may take to show in the control table before it is written again. */
  private static final long SELF_PAUSE_WAIT_MS = 30_000;
  private long lastApprovalCheck;

  RemediationProcessor(String journalStoreName, String approvalsStoreName, RemediationEngine engine,
      RemediationPolicy policy, Duration approvalTimeout, Duration drainInterval, RetrySchedule retries,
      RemediatorMeters meters) {
    this(journalStoreName, approvalsStoreName, null, pause -> { }, engine, policy, approvalTimeout, drainInterval,
        retries, meters);
  }

  /**
   * @param controlStoreName the global table of {@link io.leakguard.schemas.PauseSwitch} records (the kill switch),
   *                         or null for none
   * @param pauser           writes a pause to the control topic (the blast-radius limit pausing an account)
   */
  RemediationProcessor(String journalStoreName, String approvalsStoreName, String controlStoreName,
      java.util.function.Consumer<io.leakguard.schemas.PauseSwitch> pauser, RemediationEngine engine,
      RemediationPolicy policy, Duration approvalTimeout, Duration drainInterval, RetrySchedule retries,
      RemediatorMeters meters) {
    this.controlStoreName = controlStoreName;
    this.pauser = pauser;
    this.meters = meters;
    this.journalStoreName = journalStoreName;
    this.approvalsStoreName = approvalsStoreName;
    this.engine = engine;
    this.policy = policy;
    this.approvalTimeout = approvalTimeout;
    this.drainInterval = drainInterval;
    this.retries = retries;
  }

  @Override
  public void init(ProcessorContext<String, RemediationOutcome> context) {
    this.context = context;
    this.journal = context.getStateStore(journalStoreName);
    this.approvals = context.getStateStore(approvalsStoreName);
    this.control = controlStoreName == null ? null : context.getStateStore(controlStoreName);
    int resumed = 0;
    java.util.List<String> unreadable = new java.util.ArrayList<>();
    try (KeyValueIterator<String, RemediationJournal> all = journal.all()) {
      while (all.hasNext()) {
        var entry = all.next();
        RemediationJournal value = entry.value;
        if (value == null) {
          unreadable.add(entry.key); // a changelog entry nobody can read (StoreSerdes): dropped, never fatal
        } else if (value.getPhase() == JournalPhase.AWAITING_APPROVAL) {
          waiting.add(entry.key);
        } else if (value.getPhase() == JournalPhase.DONE && value.getRetryAt() != null) {
          retrying.add(entry.key);
        } else if (value.getPhase() != JournalPhase.DONE) {
          submit(entry.key, value);
          resumed++;
        }
      }
    }
    unreadable.forEach(journal::delete);
    if (resumed > 0 || !waiting.isEmpty()) {
      LOG.info("task {}: resumed {} unfinished remediations; {} wait for approval", context.taskId(), resumed,
          waiting.size());
    }
    context.schedule(drainInterval, PunctuationType.WALL_CLOCK_TIME, this::drain);
  }

  @Override
  public void process(Record<String, LeakEnriched> record) {
    LeakEnriched leak = io.leakguard.runtime.Inputs.required(record.value(), "leaks.enriched");
    try (IncidentMdc mdc = IncidentMdc.open(leak.getIncidentId(), leak.getMaskedKey())) {
      process(leak);
    }
  }

  private void process(LeakEnriched leak) {
    String key = leak.getAccessKeyId();
    RemediationJournal known = journal.get(key);
    if (known != null && known.getPhase() == JournalPhase.DONE && known.getStatus() == RemediationStatus.FAILED
        && known.getIncidentId().equals(leak.getIncidentId())) {
      // A new sighting or report of a key whose remediation failed: try again now, whatever the schedule says.
      reopen(key, known, leak, "a new sighting or report (" + leak.getSource().getType() + ")",
          Instant.ofEpochMilli(context.currentSystemTimeMs()));
      return;
    }
    if (known != null && (known.getPhase() != JournalPhase.DONE
        || known.getIncidentId().equals(leak.getIncidentId()))) {
      LOG.debug("incident {}: already {} (duplicate or redelivered leak); nothing to do", leak.getIncidentId(),
          known.getPhase());
      return;
    }
    Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
    RemediationJournal opened = Journals.open(leak, policy, now);
    OwnerKind kind = leak.getOwnerKind();
    if (kind == OwnerKind.ROOT_ACCOUNT || kind == OwnerKind.OUTSIDE_FLEET) {
      // Decided here, without a cloud call: a root key is never rotated automatically, and a key outside the fleet
      // is not LeakGuard's to touch.
      RemediationJournal escalated = RemediationJournal.newBuilder(opened)
          .setRemediationStrategy(RemediationStrategy.ESCALATE)
          .setPhase(JournalPhase.DONE).setStatus(RemediationStatus.ESCALATED)
          .setPlan(java.util.List.of("none: escalate to the security team"))
          .setReason(kind == OwnerKind.ROOT_ACCOUNT
              ? "a root account key must never be in use and is never rotated automatically: the account owner "
                + "deletes it in the console and the security team reviews what it did"
              : "the key belongs to no account of the fleet: LeakGuard cannot act, the security team decides")
          .build();
      journal.put(key, escalated);
      emit(escalated, now);
      return;
    }
    String untouched = untouchedReason(leak, policy);
    if (untouched != null) {
      RemediationJournal decided = RemediationJournal.newBuilder(opened)
          .setRemediationStrategy(RemediationStrategy.NONE)
          .setPhase(JournalPhase.DONE)
          .setStatus(leak.getProbe() == ProbeResult.KEY_NOT_FOUND ? RemediationStatus.SKIPPED
              : RemediationStatus.ESCALATED)
          .setPlan(java.util.List.of("none: " + untouched)).setReason(untouched).build();
      journal.put(key, decided);
      emit(decided, now);
      return;
    }
    journal.put(key, opened);
    submit(key, opened);
  }

  /**
   * Why a leak is left alone by the probe's proof, or null to remediate. AccessKey IDs are not secret (they are in
   * logs and URLs), so an ID next to a secret that STS refused proves nothing: rotating on it would let anyone who can
   * write to a scanned stream rotate any key, again and again. A key STS does not know cannot be used by anyone.
   */
  static String untouchedReason(LeakEnriched leak, RemediationPolicy policy) {
    if (leak.getProbe() == ProbeResult.KEY_NOT_FOUND) {
      return "STS says this AccessKey does not exist (InvalidAccessKeyId.NotFound): nobody can use it, nothing to "
          + "rotate";
    }
    if (leak.getProbe() == ProbeResult.SECRET_WRONG) {
      var owner = leak.getOwner();
      RemediationPolicy.Rule rule = policy.ruleFor(owner.getAccountId(), owner.getUserName(), owner.getRoleName());
      if (rule.idOnly() == RemediationPolicy.IdOnly.NOTIFY) {
        return "ID-only exposure: the AccessKey ID was found with a secret that is not its own (STS: "
            + "SignatureDoesNotMatch), which proves nothing about the real secret; not rotated (policy idOnly: "
            + "notify). The owner and the security team should check where the ID was published";
      }
    }
    return null;
  }

  /**
   * The pause in force for an account ({@code *}, the whole fleet, first), or null. A paused scope gets no
   * destructive step: its incidents are contained where the policy allows and wait.
   */
  private io.leakguard.schemas.PauseSwitch pauseOf(String account) {
    if (control == null) {
      return null;
    }
    for (String scope : account == null ? List.of("*") : List.of("*", account)) {
      ValueAndTimestamp<io.leakguard.schemas.PauseSwitch> found = control.get(scope);
      if (found != null && found.value() != null && found.value().getPaused()) {
        return found.value();
      }
    }
    return null;
  }

  private static String describe(io.leakguard.schemas.PauseSwitch pause) {
    return "paused " + (pause.getScope().equals("*") ? "fleet-wide" : "in account " + pause.getScope()) + " by "
        + pause.getDecidedBy() + (pause.getReason() == null ? "" : " (" + pause.getReason() + ")") + " [scope "
        + pause.getScope() + "]";
  }

  private void submit(String key, RemediationJournal entry) {
    io.leakguard.schemas.PauseSwitch pause = pauseOf(entry.getOwner().getAccountId());
    if (pause != null && entry.getPhase() == JournalPhase.APPROVED) {
      // Approved, but the scope is paused: back to waiting; the decision stays in the approvals table.
      RemediationJournal held = RemediationJournal.newBuilder(entry).setPhase(JournalPhase.AWAITING_APPROVAL)
          .setPausedBy(describe(pause)).build();
      journal.put(key, held);
      waiting.add(key);
      return;
    }
    if (pause != null && entry.getPhase() == JournalPhase.PENDING && entry.getPausedBy() == null) {
      entry = RemediationJournal.newBuilder(entry).setPausedBy(describe(pause)).build();
      journal.put(key, entry);
    }
    RemediationEngine.Handle previous = active.put(key, engine.submit(entry, reports::add));
    if (previous != null) {
      previous.cancel();
    }
  }

  /** Applies the workers' reports; checks approvals now and then. */
  private void drain(long now) {
    RemediationJournal report;
    while ((report = reports.poll()) != null) {
      String key = report.getAccessKeyId();
      RemediationJournal stored = journal.get(key);
      if (stored == null || !stored.getIncidentId().equals(report.getIncidentId())
          || stored.getPhase() == JournalPhase.DONE) {
        continue; // a late report of a run that no longer owns the entry
      }
      RemediationJournal.Builder next = RemediationJournal.newBuilder(report);
      if (report.getPhase() == JournalPhase.AWAITING_APPROVAL && report.getApprovalDeadline() == null) {
        next.setApprovalDeadline(Instant.ofEpochMilli(now).plus(approvalTimeout));
        waiting.add(key);
        active.remove(key);
      }
      Duration retryIn = report.getPhase() == JournalPhase.DONE && report.getStatus() == RemediationStatus.FAILED
          && Journals.mayBeLive(report) ? retries.after(report.getAttempt()) : null;
      if (retryIn != null) {
        next.setRetryAt(Instant.ofEpochMilli(now).plus(retryIn));
        retrying.add(key);
      }
      RemediationJournal updated = next.build();
      journal.put(key, updated);
      if (updated.getPausedBy() != null && updated.getPausedBy().startsWith("blast radius")) {
        pauseItself(Journals.heldScope(updated.getPausedBy()), updated.getPausedBy(), now);
      }
      if (updated.getStatus() != null && !Objects.equals(updated.getStatus(), stored.getStatus())) {
        emit(updated, Instant.ofEpochMilli(now));
      }
      if (updated.getPhase() == JournalPhase.DONE) {
        active.remove(key);
      }
    }
    if ((!waiting.isEmpty() || !retrying.isEmpty()) && now - lastApprovalCheck >= 200) {
      lastApprovalCheck = now;
      checkApprovals(now);
      checkRetries(now);
    }
    if (now - lastGauges >= GAUGE_INTERVAL_MS) {
      lastGauges = now;
      reportGauges(now);
    }
  }

  /** How often the gauges are refreshed: a scrape every 15 s or so needs no fresher figures. */
  private static final long GAUGE_INTERVAL_MS = 1_000;

  private void reportGauges(long now) {
    int contained = 0;
    long oldestSince = now;
    for (String key : waiting) {
      RemediationJournal entry = journal.get(key);
      if (entry == null || entry.getPhase() != JournalPhase.AWAITING_APPROVAL) {
        continue;
      }
      if (entry.getContained()) {
        contained++;
      }
      if (entry.getApprovalDeadline() != null) {
        oldestSince = Math.min(oldestSince, entry.getApprovalDeadline().toEpochMilli() - approvalTimeout.toMillis());
      }
    }
    meters.report(this, new RemediatorMeters.Snapshot(active.size(), waiting.size(), contained,
        (now - oldestSince) / 1000.0));
  }

  /** Starts the attempts that are due. */
  private void checkRetries(long now) {
    for (var it = retrying.iterator(); it.hasNext(); ) {
      String key = it.next();
      RemediationJournal entry = journal.get(key);
      if (entry == null || entry.getPhase() != JournalPhase.DONE || entry.getRetryAt() == null) {
        it.remove();
      } else if (now >= entry.getRetryAt().toEpochMilli()) {
        it.remove();
        reopen(key, entry, null, "the retry schedule", Instant.ofEpochMilli(now));
      }
    }
  }

  /**
   * Starts the next attempt of a FAILED incident. The journal is kept (steps, keys created, KMS version), so the run
   * reconciles with what the failed attempt did: the key it created is the one kept or cleaned up, never a third.
   * A newer enrichment fills in an owner the journal did not know.
   */
  private void reopen(String key, RemediationJournal failed, LeakEnriched newer, String why, Instant now) {
    retrying.remove(key);
    int attempt = failed.getAttempt() + 1;
    java.util.List<io.leakguard.schemas.JournalStep> steps = new java.util.ArrayList<>(failed.getSteps());
    steps.add(io.leakguard.schemas.JournalStep.newBuilder().setName("Retry").setStartedAt(now).setFinishedAt(now)
        .setStatus(io.leakguard.schemas.JournalStepStatus.OK).setDetail("attempt " + attempt + ", after " + why
            + "; attempt " + failed.getAttempt() + " failed: " + failed.getReason()).build());
    RemediationJournal.Builder next = RemediationJournal.newBuilder(failed).setPhase(JournalPhase.PENDING)
        .setAttempt(attempt).setRetryAt(null).setRounds(0).setStatus(null).setSteps(steps);
    if (newer != null && failed.getOwner().getAccountId() == null && newer.getOwner().getAccountId() != null) {
      next.setOwner(newer.getOwner()).setOwnerKind(newer.getOwnerKind());
    }
    RemediationJournal reopened = next.build();
    try (IncidentMdc mdc = IncidentMdc.open(failed.getIncidentId(), failed.getMaskedKey())) {
      LOG.info("incident {}: attempt {} after {}", failed.getIncidentId(), attempt, why);
    }
    journal.put(key, reopened);
    submit(key, reopened);
  }

  /** The blast-radius limit was reached: the scope is paused on the control topic, once, for a person to resume. */
  private void pauseItself(String scope, String reason, long now) {
    Long pausedAt = scope == null ? null : selfPaused.get(scope);
    if (scope == null || pauseOf(scope.equals("*") ? null : scope) != null
        || (pausedAt != null && now - pausedAt < SELF_PAUSE_WAIT_MS)) {
      return;
    }
    selfPaused.put(scope, now);
    LOG.warn("{}: pausing {} on the control topic; 'leakguard resume{}' lets its incidents continue", reason,
        scope.equals("*") ? "the fleet" : "account " + scope, scope.equals("*") ? "" : " --account " + scope);
    pauser.accept(io.leakguard.schemas.PauseSwitch.newBuilder().setScope(scope).setPaused(true)
        .setDecidedBy("remediator (blast radius)").setReason(reason.replaceAll(" \\[scope [^]]*]$", ""))
        .setDecidedAt(Instant.ofEpochMilli(now)).build());
  }

  private void checkApprovals(long now) {
    // A pause this task wrote is in the table now (or never arrived): from here on the table decides.
    selfPaused.entrySet().removeIf(e -> pauseOf(e.getKey().equals("*") ? null : e.getKey()) != null
        || now - e.getValue() >= SELF_PAUSE_WAIT_MS);
    for (var it = waiting.iterator(); it.hasNext(); ) {
      String key = it.next();
      RemediationJournal entry = journal.get(key);
      if (entry == null || entry.getPhase() != JournalPhase.AWAITING_APPROVAL) {
        it.remove();
        continue;
      }
      io.leakguard.schemas.PauseSwitch pause = pauseOf(entry.getOwner().getAccountId());
      if (pause != null) {
        continue; // paused: no decision is acted on and nothing escalates until the scope is resumed
      }
      if (entry.getPausedBy() != null) {
        String scope = Journals.heldScope(entry.getPausedBy());
        if (scope != null && selfPaused.containsKey(scope)) {
          continue; // paused by this task a moment ago: the control table has not shown it yet
        }
        // Resumed: an incident held only by the pause continues as it would have; one that also needs a person's
        // approval goes on waiting for it.
        RemediationJournal.Builder resumed = RemediationJournal.newBuilder(entry).setPausedBy(null);
        try (IncidentMdc mdc = IncidentMdc.open(entry.getIncidentId(), entry.getMaskedKey())) {
          LOG.info("incident {}: resumed ({} ended)", entry.getIncidentId(), entry.getPausedBy());
        }
        if (entry.getRemediationMode() != io.leakguard.schemas.RemediationMode.APPROVE) {
          RemediationJournal go = resumed.setPhase(JournalPhase.APPROVED).setReason(null).build();
          journal.put(key, go);
          it.remove();
          submit(key, go);
          continue;
        }
        entry = resumed.setReason("waiting for approval: leakguard approve " + entry.getIncidentId()
            + " (or reject)").build();
        journal.put(key, entry);
      }
      ValueAndTimestamp<ApprovalDecision> found = approvals.get(entry.getIncidentId());
      ApprovalDecision decision = found == null ? null : found.value();
      RemediationJournal.Builder next = RemediationJournal.newBuilder(entry);
      if (decision != null && decision.getDecision() == Decision.APPROVE) {
        RemediationJournal approved = next.setPhase(JournalPhase.APPROVED).setDecidedBy(decision.getDecidedBy())
            .setReason(null).build();
        journal.put(key, approved);
        it.remove();
        submit(key, approved);
      } else if (decision != null && decision.getDecision() == Decision.REJECT) {
        String rejectedBy = "rejected by " + decision.getDecidedBy()
            + (decision.getComment() == null ? "" : ": " + decision.getComment());
        if (entry.getContained() && AccessKeyRemediation.NETWORK_POLICY.equals(entry.getContainedBy())) {
          // Contained by a network policy: a run restores the key's previous policy, then the incident is REJECTED.
          RemediationJournal rejecting = next.setPhase(JournalPhase.APPROVED).setRejecting(true)
              .setDecidedBy(decision.getDecidedBy()).setReason(rejectedBy).build();
          journal.put(key, rejecting);
          it.remove();
          submit(key, rejecting);
          continue;
        }
        RemediationJournal rejected = next.setPhase(JournalPhase.DONE).setStatus(RemediationStatus.REJECTED)
            .setDecidedBy(decision.getDecidedBy())
            .setReason(rejectedBy
                + (entry.getContained() ? "; the leaked key stays disabled (UpdateAccessKey Active re-enables it)"
                : ""))
            .build();
        journal.put(key, rejected);
        it.remove();
        emit(rejected, Instant.ofEpochMilli(now));
      } else if (entry.getApprovalDeadline() != null && now >= entry.getApprovalDeadline().toEpochMilli()) {
        RemediationJournal escalated = next.setPhase(JournalPhase.DONE).setStatus(RemediationStatus.ESCALATED)
            .setReason("no approval decision within " + approvalTimeout + ": escalated to the security team"
                + (!entry.getContained() ? "" : AccessKeyRemediation.NETWORK_POLICY.equals(entry.getContainedBy())
                ? "; the leaked key stays restricted to " + entry.getKnownIps() + " by its network access policy"
                : "; the leaked key stays disabled"))
            .build();
        journal.put(key, escalated);
        it.remove();
        emit(escalated, Instant.ofEpochMilli(now));
      }
    }
  }

  private void emit(RemediationJournal entry, Instant now) {
    RemediationOutcome outcome = Journals.outcome(entry, now);
    try (IncidentMdc mdc = IncidentMdc.open(outcome.getIncidentId(), outcome.getMaskedKey())) {
      LOG.info("incident {}: {} {} ({} steps){}", outcome.getIncidentId(), outcome.getMaskedKey(),
          outcome.getStatus(), outcome.getSteps().size(), outcome.getReason() == null ? "" : ": " + outcome.getReason());
    }
    context.forward(new Record<>(entry.getAccessKeyId(), outcome, now.toEpochMilli()));
    if (entry.getPhase() == JournalPhase.DONE) {
      meters.finalOutcome(outcome);
    }
  }

  @Override
  public void close() {
    // The task moves to another instance (or the service stops): its runs stop between steps, and the new owner
    // resumes them from the journal.
    active.values().forEach(RemediationEngine.Handle::cancel);
    active.clear();
    meters.forget(this);
  }
}
