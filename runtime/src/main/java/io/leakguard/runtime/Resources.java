package io.leakguard.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Things a service opened for its topology, closed in reverse order when the service stops. */
public final class Resources implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Resources.class);
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final Metrics metrics;

  /** Resources with no-op meters: tests and tools. */
  public Resources() {
    this(Metrics.none());
  }

  public Resources(Metrics metrics) {
    this.metrics = metrics;
  }

  /** The service's meters, registered in its own registry (served on {@code /metrics}). */
  public Metrics metrics() {
    return metrics;
  }

  public synchronized <T extends AutoCloseable> T register(T resource) {
    opened.push(resource);
    return resource;
  }

  /**
   * What was opened of a type, oldest first: what a part of the topology chose when it started (the port a receiver
   * configured with port 0 listens on), for tools and tests that run a service in-process.
   */
  public synchronized <T> List<T> all(Class<T> type) {
    List<T> found = new java.util.ArrayList<>();
    opened.descendingIterator().forEachRemaining(r -> {
      if (type.isInstance(r)) {
        found.add(type.cast(r));
      }
    });
    return List.copyOf(found);
  }

  @Override
  public synchronized void close() {
    while (!opened.isEmpty()) {
      AutoCloseable resource = opened.pop();
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("could not close {}: {}", resource.getClass().getSimpleName(), Redactor.describe(e));
      }
    }
  }
}
