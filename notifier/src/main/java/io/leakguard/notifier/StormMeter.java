package io.leakguard.notifier;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Counts the incidents this notifier instance announced in the last minute; above {@code threshold} it is a storm,
 * and the security team gets a digest per interval instead of one message per incident. Shared by the instance's
 * tasks; each instance counts its own partitions' incidents. A threshold of 0 turns digests off.
 */
final class StormMeter {

  private static final long WINDOW_MILLIS = 60_000;

  private final int threshold;
  private final Deque<Long> arrivals = new ArrayDeque<>();

  StormMeter(int threshold) {
    this.threshold = threshold;
  }

  /** Counts one arrival at {@code now}; whether it is part of a storm (more than the threshold in a minute). */
  synchronized boolean arrive(long now) {
    if (threshold <= 0) {
      return false;
    }
    while (!arrivals.isEmpty() && arrivals.peekFirst() <= now - WINDOW_MILLIS) {
      arrivals.pollFirst();
    }
    arrivals.addLast(now);
    return arrivals.size() > threshold;
  }
}
