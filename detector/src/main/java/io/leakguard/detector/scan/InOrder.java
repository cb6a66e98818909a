package io.leakguard.detector.scan;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Work on many threads, results in the order of the input, as one thread would give them: what {@code scan -j N}
 * needs for files and for git blobs. At most twice as many items as threads are in flight, so memory stays bounded
 * by the largest items rather than their number.
 */
final class InOrder {

  private InOrder() {}

  /**
   * Applies {@code work} to every item on {@code threads} threads and hands each result to {@code report} on the
   * calling thread, in input order. One thread, or one item, runs on the caller alone.
   */
  static <T, R> void run(List<T> items, int threads, String threadName, Function<T, R> work, Consumer<R> report) {
    if (threads == 1 || items.size() < 2) {
      items.forEach(item -> report.accept(work.apply(item)));
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread thread = new Thread(r, threadName);
      thread.setDaemon(true);
      return thread;
    });
    try {
      ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
      int next = 0;
      while (next < items.size() || !inFlight.isEmpty()) {
        while (next < items.size() && inFlight.size() < 2 * threads) {
          T item = items.get(next++);
          inFlight.add(pool.submit(() -> work.apply(item)));
        }
        report.accept(inFlight.poll().get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("scanning failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The reason to print for a failed publication: the cause a future wraps, not the wrapper. */
  static String reason(Exception e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getMessage();
  }
}
