package io.leakguard.bridge;

import io.leakguard.schemas.RemediationOutcome;

/**
 * Closes the alert a leak was reported by, once LeakGuard has made the key harmless: a GitHub secret-scanning alert
 * is resolved as {@code revoked}, a Security Center AccessKey-leak record is marked handled. Called from the bridge's
 * workers, never a stream thread; it must be idempotent (an outcome can be seen again after a restart).
 */
public interface SourceCloser {

  /** A short name for logs, e.g. {@code github} or {@code security-center}. */
  String name();

  /** Whether this closer owns the outcome's source (by {@code source.type}) and the status closes it. */
  boolean handles(RemediationOutcome outcome);

  /**
   * Closes the source's alert; returns what was done in a few words, without secrets.
   *
   * @throws Exception a failure; {@link #retryable(Exception)} tells whether trying again can help
   */
  String close(RemediationOutcome outcome) throws Exception;

  /** Whether a failure of {@link #close} is worth another try (timeouts, 5xx, throttling). */
  boolean retryable(Exception failure);
}
