package io.leakguard.bridge;

/**
 * A background part of the bridge that feeds an alert topic from outside (the GitHub webhook receiver, the Security
 * Center poller). Started when the service starts, closed when it stops; it must never let a bad request or a
 * failing poll stop the service.
 */
public interface Feeder extends AutoCloseable {

  /** A short name for logs. */
  String name();

  /** Starts serving or polling; returns once started. */
  void start() throws Exception;

  @Override
  void close();
}
