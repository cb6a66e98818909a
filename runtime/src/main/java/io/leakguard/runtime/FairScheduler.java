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
 *   <li>accounts take turns when workers free up, so a burst in one account does not queue ahead of the others.</li>
 * </ul>
 *
 * {@link #submit} never blocks: the stream thread calls it.
 */
public final class FairScheduler implements AutoCloseable {

  private record Job(String account, String subject, Runnable work) {}

  private final int perAccount;
  private final ExecutorService workers;
  private final Map<String, ArrayDeque<Job>> queues = new LinkedHashMap<>();
  private final Map<String, Integer> running = new LinkedHashMap<>();
  private final Set<String> busySubjects = new HashSet<>();
  private int turn;

  public FairScheduler(int threads, int perAccount, String threadName) {
    this.perAccount = perAccount;
    AtomicInteger n = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, threadName + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public void submit(String account, String subject, Runnable work) {
    synchronized (this) {
      queues.computeIfAbsent(account, a -> new ArrayDeque<>()).add(new Job(account, subject, work));
    }
    dispatch();
  }

  /** Starts every job that may run now. */
  private synchronized void dispatch() {
    boolean started = true;
    while (started) {
      started = false;
      List<String> accounts = new ArrayList<>(queues.keySet());
      for (int i = 0; i < accounts.size() && !started; i++) {
        String account = accounts.get((turn + i) % accounts.size());
        if (running.getOrDefault(account, 0) >= perAccount) {
          continue;
        }
        ArrayDeque<Job> queue = queues.get(account);
        Job next = queue.stream().filter(j -> !busySubjects.contains(j.subject())).findFirst().orElse(null);
        if (next == null) {
          continue;
        }
        queue.remove(next);
        if (queue.isEmpty()) {
          queues.remove(account);
        }
        running.merge(account, 1, Integer::sum);
        busySubjects.add(next.subject());
        turn = (turn + i + 1) % accounts.size();
        workers.execute(() -> run(next));
        started = true;
      }
    }
  }

  private void run(Job job) {
    try {
      job.work().run();
    } finally {
      synchronized (this) {
        running.merge(job.account(), -1, Integer::sum);
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
