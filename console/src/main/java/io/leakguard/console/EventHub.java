package io.leakguard.console;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The live updates: every {@link Change} the topology reports goes to each open {@code GET /api/events} stream. A
 * stream that does not keep up loses changes past {@value #QUEUE} queued ones and is told so ({@code resync}), so
 * that the page reloads its list; the stream thread never waits for a client.
 */
final class EventHub implements Change.Listener {

  static final int QUEUE = 256;
  static final int MAX_SUBSCRIBERS = 32;

  /** One open stream's queue. */
  static final class Subscription implements AutoCloseable {
    private final BlockingQueue<Change> queue = new ArrayBlockingQueue<>(QUEUE);
    private final EventHub hub;
    private volatile boolean overflowed;

    private Subscription(EventHub hub) {
      this.hub = hub;
    }

    /** The next change, or null after {@code wait} without one; a {@code null}-status change means resync. */
    Change next(long wait, TimeUnit unit) throws InterruptedException {
      if (overflowed) {
        overflowed = false;
        queue.clear();
        return new Change(Change.Kind.INCIDENT, "", null);
      }
      return queue.poll(wait, unit);
    }

    @Override
    public void close() {
      hub.subscribers.remove(this);
    }
  }

  private final CopyOnWriteArrayList<Subscription> subscribers = new CopyOnWriteArrayList<>();

  /** A new stream's subscription, or null when {@value #MAX_SUBSCRIBERS} are open. */
  synchronized Subscription subscribe() {
    if (subscribers.size() >= MAX_SUBSCRIBERS) {
      return null;
    }
    Subscription s = new Subscription(this);
    subscribers.add(s);
    return s;
  }

  @Override
  public void changed(Change change) {
    for (Subscription s : subscribers) {
      if (!s.queue.offer(change)) {
        s.overflowed = true;
      }
    }
  }
}
