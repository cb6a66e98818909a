package io.leakguard.bridge.github;

import java.net.http.HttpHeaders;

/**
 * A GitHub API call that did not succeed, classified once here: {@link #retryable()} for throttling (429, a 403 that
 * is a rate limit) and GitHub's own failures (5xx); everything else is final, with a message saying what to fix.
 * Messages carry the status and the alert's reference, never the token or a response body (which may hold a secret).
 */
public final class GithubException extends Exception {

  private final int status;
  private final boolean retryable;

  GithubException(int status, boolean retryable, String message) {
    super(message);
    this.status = status;
    this.retryable = retryable;
  }

  /** The HTTP status, or 0 when no call was made. */
  public int status() {
    return status;
  }

  public boolean retryable() {
    return retryable;
  }

  /**
   * The failure of a call that answered {@code status}. The permissions named are the documented ones of the
   * secret-scanning endpoints: https://docs.github.com/en/rest/secret-scanning/secret-scanning
   */
  static GithubException of(int status, HttpHeaders headers, String call, String permission) {
    boolean rateLimited = status == 429 || (status == 403 && (headers.firstValue("retry-after").isPresent()
        || headers.firstValue("x-ratelimit-remaining").map("0"::equals).orElse(false)));
    if (rateLimited) {
      return new GithubException(status, true, call + ": throttled by GitHub (" + status + "), will try again");
    }
    if (status >= 500) {
      return new GithubException(status, true, call + ": GitHub failed (" + status + "), will try again");
    }
    String why = switch (status) {
      case 401 -> "the token was refused (401): it is wrong, expired or revoked (an installation token lasts an hour)";
      case 403 -> "the token may not do this (403): it needs the repository permission \"Secret scanning alerts\": "
          + permission + " (a fine-grained token or a GitHub App), or the repo or security_events scope (a classic "
          + "token)";
      case 404 -> "not found (404): no such alert, secret scanning is off, or the token cannot see the repository "
          + "(it needs \"Secret scanning alerts\": " + permission + " on it)";
      case 422 -> "GitHub refused the change (422)";
      default -> "GitHub answered " + status;
    };
    return new GithubException(status, false, call + ": " + why);
  }
}
