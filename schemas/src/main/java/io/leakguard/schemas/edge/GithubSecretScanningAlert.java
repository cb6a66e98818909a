package io.leakguard.schemas.edge;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A GitHub {@code secret_scanning_alert} webhook delivery, reduced to what LeakGuard reads. The webhook carries no
 * secret; a sender that enriches it from the REST alert may add {@code alert.secret}.
 */
public record GithubSecretScanningAlert(String action, Alert alert, Repository repository) {

  /** Every delivery of this event names its action and carries the alert; one that does not is refused. */
  public GithubSecretScanningAlert {
    if (action == null || action.isBlank()) {
      throw new IllegalArgumentException("a secret_scanning_alert delivery without 'action'");
    }
    if (alert == null) {
      throw new IllegalArgumentException("a secret_scanning_alert delivery without 'alert'");
    }
  }

  /** The alert object of the webhook (and of the REST API, which adds {@code secret} and {@code state}). */
  public record Alert(
      long number,
      @JsonProperty("secret_type") String secretType,
      @JsonProperty("html_url") String htmlUrl,
      String validity,
      String secret,
      @JsonProperty("publicly_leaked") Boolean publiclyLeaked) {

    @Override
    public String toString() {
      return "Alert[number=" + number + ", secretType=" + secretType + ", htmlUrl=" + htmlUrl + "]";
    }
  }

  /** The repository the alert is about. */
  public record Repository(@JsonProperty("full_name") String fullName, @JsonProperty("html_url") String htmlUrl) {}
}
