package io.leakguard.remediator;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.runtime.FairScheduler;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs incidents on a bounded pool of worker threads, fairly across accounts ({@link FairScheduler}): at most
 * {@code perAccount} incidents of one account at once, and incidents of the same RAM user (or role) one after the
 * other, never interleaved, so one incident's recovery can never mistake another's new key for an orphan. Under a
 * storm, a free worker takes the riskiest waiting incident first ({@link Journals#risk}), not the oldest.
 *
 * A run that fails with a retryable error after the SDK caller's own bounded retries is started again, as a new round
 * that reconciles first, after a back-off with full jitter, at most {@code maxRounds} times; then, or on a permanent
 * error, the incident ends FAILED with the reason. The pool never blocks the stream thread: {@link #submit} only
 * queues.
 */
public final class CloudRemediationEngine implements RemediationEngine {

  private static final Logger LOG = LoggerFactory.getLogger(CloudRemediationEngine.class);

  private final CloudFleet fleet;
  private final String secretNameTemplate;
  private final Clock clock;
  private final int maxRounds;
  private final Duration retryBase;
  private final FairScheduler scheduler;
  private final ScheduledExecutorService retries;
  private final BlastRadius blastRadius;
  private final Duration evidenceWindow;

  public CloudRemediationEngine(CloudFleet fleet, String secretNameTemplate, Clock clock, int threads, int perAccount,
      int maxRounds, Duration retryBase) {
    this(fleet, secretNameTemplate, clock, threads, perAccount, maxRounds, retryBase, BlastRadius.Limits.NONE,
        Evidence.DEFAULT_WINDOW);
  }

  /**
   * @param limits         destructive steps allowed per account and fleet-wide, per minute and per hour
   * @param evidenceWindow how far before the sighting the evidence record's ActionTrail events reach (0: none)
   */
  CloudRemediationEngine(CloudFleet fleet, String secretNameTemplate, Clock clock, int threads, int perAccount,
      int maxRounds, Duration retryBase, BlastRadius.Limits limits, Duration evidenceWindow) {
    this.evidenceWindow = evidenceWindow;
    this.blastRadius = new BlastRadius(limits, clock);
    this.fleet = fleet;
    this.secretNameTemplate = secretNameTemplate;
    this.clock = clock;
    this.maxRounds = maxRounds;
    this.retryBase = retryBase;
    this.scheduler = new FairScheduler(threads, perAccount, "leakguard-remediation");
    this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "leakguard-remediation-retry");
      t.setDaemon(true);
      return t;
    });
  }

  private final class Task implements Handle {
    final String account;
    final String subject;
    volatile RemediationJournal journal;
    final Consumer<RemediationJournal> progress;
    volatile boolean cancelled;

    Task(RemediationJournal journal, Consumer<RemediationJournal> progress) {
      var owner = journal.getOwner();
      this.account = owner.getAccountId() == null ? "?" : owner.getAccountId();
      this.subject = account + "/" + (owner.getUserName() != null ? "user/" + owner.getUserName()
          : owner.getRoleName() != null ? "role/" + owner.getRoleName().toLowerCase(java.util.Locale.ROOT)
          : "key/" + journal.getAccessKeyId());
      this.journal = journal;
      this.progress = progress;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    void report(RemediationJournal snapshot) {
      journal = snapshot;
      if (!cancelled) {
        progress.accept(snapshot);
      }
    }
  }

  @Override
  public Handle submit(RemediationJournal journal, Consumer<RemediationJournal> progress) {
    Task task = new Task(journal, progress);
    enqueue(task);
    return task;
  }

  private void enqueue(Task task) {
    scheduler.submit(task.account, task.subject, Journals.risk(task.journal), () -> runTask(task));
  }

  private void runTask(Task task) {
    // On a worker thread: the incident's MDC is set here, around the whole round, and cleared after it.
    try (IncidentMdc mdc = IncidentMdc.open(task.journal.getIncidentId(), task.journal.getMaskedKey())) {
      if (task.cancelled || !runOnce(task) || task.cancelled) {
        return;
      }
    }
    long ceiling = Math.min(retryBase.toMillis() << Math.min(task.journal.getRounds(), 10), 30_000);
    retries.schedule(() -> enqueue(task), ThreadLocalRandom.current().nextLong(ceiling + 1), TimeUnit.MILLISECONDS);
  }

  /** Runs one round; true when it must be retried. */
  private boolean runOnce(Task task) {
    RemediationRun run = new RemediationRun(fleet, secretNameTemplate, clock, task.journal, task::report,
        () -> task.cancelled, blastRadius, evidenceWindow);
    try {
      try {
        run.run();
      } catch (StepJournal.Held held) {
        LOG.warn("incident {}: {}; held, the scope {} is paused", task.journal.getIncidentId(), held.getMessage(),
            held.refusal.scope());
        run.hold(held.getMessage() + " [scope " + held.refusal.scope() + "]");
      }
      return false;
    } catch (StepJournal.Cancelled e) {
      return false;
    } catch (AccessKeyRemediation.TargetUnsafe e) {
      run.finish(RemediationStatus.FAILED, e.getMessage());
      return false;
    } catch (CloudException e) {
      if (e.errorClass().retryable() && run.journal().getRounds() < maxRounds) {
        LOG.info("incident {}: round {} stopped on {} ({}); retrying", task.journal.getIncidentId(),
            run.journal().getRounds(), e.code(), e.errorClass());
        return true;
      }
      LOG.warn("incident {} failed: {} ({})", task.journal.getIncidentId(), e.code(), e.errorClass());
      run.fail(e);
      return false;
    } catch (RuntimeException e) {
      // A bug must not leave an incident silently stuck: it ends FAILED with the reason, and the team is told.
      LOG.error("incident {}: unexpected failure", task.journal.getIncidentId(), e);
      run.finish(RemediationStatus.FAILED, "unexpected failure: " + io.leakguard.runtime.Redactor.describe(e));
      return false;
    }
  }

  @Override
  public void close() {
    retries.shutdownNow();
    scheduler.close();
  }
}
