package io.leakguard.bridge.github;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code X-GitHub-Delivery} IDs the receiver has seen, for replays: GitHub's guidance is to keep each delivery
 * unique by this header (https://docs.github.com/en/webhooks/using-webhooks/best-practices-for-using-webhooks), and
 * a redelivery that someone asks for carries the same ID as the original. So an ID is remembered only once its record
 * is written: a delivery that failed (503) can be redelivered and is then written; a delivery written already is
 * answered 200 and not written again. Bounded: at most {@code capacity} IDs, each for {@code window}; the oldest go
 * first. Memory only, so a restart forgets (a replay after it writes a duplicate, which the detector folds into the
 * same incident).
 */
final class DeliveryLog {

  enum State { NEW, IN_FLIGHT, WRITTEN }

  private record Entry(boolean written, long at) {}

  private final int capacity;
  private final long windowMillis;
  private final Clock clock;
  private final LinkedHashMap<String, Entry> seen = new LinkedHashMap<>();

  DeliveryLog(int capacity, Duration window, Clock clock) {
    this.capacity = capacity;
    this.windowMillis = window.toMillis();
    this.clock = clock;
  }

  /** What is known of {@code id}; when it is new it is now in flight, until {@link #written} or {@link #forget}. */
  synchronized State begin(String id) {
    long now = clock.millis();
    for (Iterator<Map.Entry<String, Entry>> oldest = seen.entrySet().iterator(); oldest.hasNext(); ) {
      Map.Entry<String, Entry> entry = oldest.next();
      if (now - entry.getValue().at() < windowMillis && seen.size() <= capacity) {
        break;
      }
      oldest.remove();
    }
    Entry known = seen.get(id);
    if (known != null) {
      return known.written() ? State.WRITTEN : State.IN_FLIGHT;
    }
    seen.put(id, new Entry(false, now));
    return State.NEW;
  }

  synchronized void written(String id) {
    seen.remove(id);
    seen.put(id, new Entry(true, clock.millis()));
  }

  synchronized void forget(String id) {
    seen.remove(id);
  }

  synchronized int size() {
    return seen.size();
  }
}
