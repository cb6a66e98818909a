package io.leakguard.remediator;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.schemas.RemediationJournal;
import io.leakguard.schemas.RemediationStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs incidents on a bounded pool of worker threads, fairly across accounts:
 *
 * <ul>
 *   <li>at most {@code perAccount} incidents of one account run at once, so a throttled or slow account holds at
 *       most that many workers and the others keep theirs;</li>
 *   <li>incidents of the same RAM user (or role) run one after the other, never interleaved, so one incident's
 *       recovery can never mistake another's new key for an orphan;</li>
 *   <li>accounts are served round-robin when workers free up.</li>
 * </ul>
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
  private final int perAccount;
  private final int maxRounds;
  private final Duration retryBase;
  private final ExecutorService workers;
  private final ScheduledExecutorService retries;

  // Scheduler state, guarded by `this`.
  private final Map<String, ArrayDeque<Task>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> running = new LinkedHashMap<>();
  private final Set<String> busySubjects = new HashSet<>();
  private int turn;

  public CloudRemediationEngine(CloudFleet fleet, String secretNameTemplate, Clock clock, int threads, int perAccount,
      int maxRounds, Duration retryBase) {
    this.fleet = fleet;
    this.secretNameTemplate = secretNameTemplate;
    this.clock = clock;
    this.perAccount = perAccount;
    this.maxRounds = maxRounds;
    this.retryBase = retryBase;
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "leakguard-remediation-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
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
    synchronized (this) {
      queues.computeIfAbsent(task.account, a -> new ArrayDeque<>()).add(task);
    }
    dispatch();
  }

  /** Starts every task that may run now: per-account limit, one task per subject, accounts in turn. */
  private void dispatch() {
    synchronized (this) {
      boolean started = true;
      while (started) {
        started = false;
        var accounts = new java.util.ArrayList<>(queues.keySet());
        for (int i = 0; i < accounts.size(); i++) {
          String account = accounts.get((turn + i) % accounts.size());
          if (running.getOrDefault(account, 0) >= perAccount) {
            continue;
          }
          ArrayDeque<Task> queue = queues.get(account);
          Task next = null;
          for (Task candidate : queue) {
            if (!busySubjects.contains(candidate.subject)) {
              next = candidate;
              break;
            }
          }
          if (next == null) {
            continue;
          }
          queue.remove(next);
          if (queue.isEmpty()) {
            queues.remove(account);
          }
          running.merge(account, 1, Integer::sum);
          busySubjects.add(next.subject);
          Task chosen = next;
          workers.execute(() -> runTask(chosen));
          turn = (turn + i + 1) % Math.max(1, accounts.size());
          started = true;
          break;
        }
      }
    }
  }

  private void runTask(Task task) {
    boolean retry = false;
    try {
      if (!task.cancelled) {
        retry = runOnce(task);
      }
    } finally {
      synchronized (this) {
        running.merge(task.account, -1, Integer::sum);
        busySubjects.remove(task.subject);
      }
      if (retry && !task.cancelled) {
        long ceiling = Math.min(retryBase.toMillis() << Math.min(task.journal.getRounds(), 10), 30_000);
        long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
        retries.schedule(() -> enqueue(task), delay, TimeUnit.MILLISECONDS);
      }
      dispatch();
    }
  }

  /** Runs one round; true when it must be retried. */
  private boolean runOnce(Task task) {
    RemediationRun run = new RemediationRun(fleet, secretNameTemplate, clock, task.journal, task::report,
        () -> task.cancelled);
    try {
      run.run();
      return false;
    } catch (RemediationRun.Cancelled e) {
      return false;
    } catch (RemediationRun.TargetUnsafe e) {
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
    workers.shutdownNow();
  }
}
