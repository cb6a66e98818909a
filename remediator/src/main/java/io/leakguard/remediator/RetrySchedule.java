package io.leakguard.remediator;

import java.time.Duration;
import java.util.List;

/**
 * When a FAILED incident whose leaked credential may still work is tried again without a person: after attempt
 * {@code n} fails, wait {@code delays[n-1]} (the last delay repeats), up to {@code maxAttempts} attempts in all.
 * Every attempt keeps the incident's journal, so the exactly-once guarantees of a run hold across attempts.
 */
public record RetrySchedule(List<Duration> delays, int maxAttempts) {

  /** No scheduled retries (a new sighting or {@code leakguard retry} still tries again). */
  public static final RetrySchedule NONE = new RetrySchedule(List.of(), 1);

  public RetrySchedule {
    delays = List.copyOf(delays);
  }

  /** The wait after attempt {@code attempt} failed, or null when no more attempts are scheduled. */
  public Duration after(int attempt) {
    if (delays.isEmpty() || attempt >= maxAttempts) {
      return null;
    }
    return delays.get(Math.min(attempt, delays.size()) - 1);
  }
}
