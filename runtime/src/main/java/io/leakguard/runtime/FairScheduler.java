package io.leakguard.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs jobs on a bounded pool, fairly across accounts:
 *
 * <ul>
 *   <li>at most {@code perAccount} jobs of one account run at once, so a throttled or slow account holds at most that
 *       many workers and the other accounts keep theirs;</li>
 *   <li>jobs with the same subject (a RAM user, a role) run one after the other, never interleaved;</li>
 *   <li>the waiting job with the highest priority (the remediator's risk) runs first, in whichever account it waits;
 *       among equal priorities accounts take turns when workers free up, so a burst in one account does not queue
 *       ahead of the others, and one account's jobs run in arrival order.</li>
 * </ul>
 *
 * {@link #submit} never blocks: the stream thread calls it.
 */
public final class FairScheduler implements AutoCloseable {

  private record Job(String account, String subject, int priority, Runnable work) {}

  private final int perAccount;
  private final int threads;
  private int runningTotal;
  private final ExecutorService workers;
  /** Per account, its waiting jobs by priority, highest first, each level in arrival order. */
  private final Map<String, java.util.TreeMap<Integer, ArrayDeque<Job>>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> running = new LinkedHashMap<>();
  private final Set<String> busySubjects = new HashSet<>();
  private int turn;

  public FairScheduler(int threads, int perAccount, String threadName) {
    this.perAccount = perAccount;
    this.threads = threads;
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public void submit(String account, String subject, Runnable work) {
    submit(account, subject, 0, work);
  }

  /** Queues a job; a higher {@code priority} runs before every lower one that waits, whatever its account. */
  public void submit(String account, String subject, int priority, Runnable work) {
    synchronized (this) {
      queues.computeIfAbsent(account, a -> new java.util.TreeMap<>(java.util.Comparator.reverseOrder()))
          .computeIfAbsent(priority, p -> new ArrayDeque<>()).add(new Job(account, subject, priority, work));
    }
    dispatch();
  }

  /** Starts every job that may run now. */
  private synchronized void dispatch() {
    boolean started = true;
    // Jobs are held here, not in the pool's queue, until a worker is free: only then is the choice made.
    while (started && runningTotal < threads) {
      started = false;
      List<String> accounts = new ArrayList<>(queues.keySet());
      Job next = null;
      int at = -1;
      // The best runnable job of each account that has a free slot, in turn order; a later account wins only with a
      // strictly higher priority, so equal priorities keep taking turns.
      for (int i = 0; i < accounts.size(); i++) {
        String account = accounts.get((turn + i) % accounts.size());
        if (running.getOrDefault(account, 0) >= perAccount) {
          continue;
        }
        Job best = firstRunnable(queues.get(account));
        if (best != null && (next == null || best.priority() > next.priority())) {
          next = best;
          at = i;
        }
      }
      if (next != null) {
        java.util.TreeMap<Integer, ArrayDeque<Job>> levels = queues.get(next.account());
        ArrayDeque<Job> level = levels.get(next.priority());
        level.remove(next);
        if (level.isEmpty()) {
          levels.remove(next.priority());
        }
        if (levels.isEmpty()) {
          queues.remove(next.account());
        }
        running.merge(next.account(), 1, Integer::sum);
        runningTotal++;
        busySubjects.add(next.subject());
        turn = (turn + at + 1) % accounts.size();
        Job chosen = next;
        workers.execute(() -> run(chosen));
        started = true;
      }
    }
  }

  /** The account's highest-priority, earliest job whose subject is not running: usually the very first one. */
  private Job firstRunnable(java.util.TreeMap<Integer, ArrayDeque<Job>> levels) {
    for (ArrayDeque<Job> level : levels.values()) {
      for (Job job : level) {
        if (!busySubjects.contains(job.subject())) {
          return job;
        }
      }
    }
    return null;
  }

  private void run(Job job) {
    try {
      job.work().run();
    } finally {
      synchronized (this) {
        running.merge(job.account(), -1, Integer::sum);
        runningTotal--;
        busySubjects.remove(job.subject());
      }
      dispatch();
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }
}
