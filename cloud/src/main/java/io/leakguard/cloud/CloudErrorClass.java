package io.leakguard.cloud;

/** What a cloud error means for the caller; services act on the class, never on raw error codes. */
public enum CloudErrorClass {
  /** Transient: 5xx, timeouts, connection failures. Retry with back-off. */
  RETRYABLE,
  /** Flow control ({@code Throttling*}, {@code Rejected.Throttling}, 429). Retry with back-off. */
  THROTTLED,
  /** The entity (user, key, secret, role) does not exist. */
  NOT_FOUND,
  /** The entity exists already, is in use, or a quota is reached. */
  CONFLICT,
  /** The caller may not do this, or its credentials are not valid. */
  DENIED,
  /** Anything else: a bad request, a bug. Do not retry. */
  FATAL;

  public boolean retryable() {
    return this == RETRYABLE || this == THROTTLED;
  }
}
