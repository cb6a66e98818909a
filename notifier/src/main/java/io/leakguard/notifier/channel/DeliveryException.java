package io.leakguard.notifier.channel;

/**
 * A message a channel could not deliver. {@link #retryable()} says whether trying again can help (a timeout, HTTP 5xx
 * or 429, an SMTP 4xx reply) or not (HTTP 4xx, an SMTP 5xx reply, a vendor error code that says the request is
 * wrong). The message must never hold a secret: no URL with its token, no signature, no password.
 */
public final class DeliveryException extends Exception {

  private final boolean retryable;

  public DeliveryException(String message, boolean retryable) {
    super(message);
    this.retryable = retryable;
  }

  public DeliveryException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
