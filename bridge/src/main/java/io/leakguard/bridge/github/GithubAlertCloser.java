package io.leakguard.bridge.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.bridge.SourceCloser;
import io.leakguard.config.Settings;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.edge.GithubAlertReference;
import io.leakguard.schemas.serde.JsonSerde;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the GitHub secret-scanning alert a leak came from, as {@code revoked}, once its key is ROTATED (deleted)
 * or NEUTRALIZED. The alert is named by the outcome's {@code source.reference}, {@code owner/repo#number}, which the
 * detector writes for GitHub sightings; an older sighting ({@code alert <number>}) names no repository and is
 * reported as not closable. An alert that is already resolved counts as done: GitHub answers 422 to a change it
 * refuses, so the alert is then read, and a resolved one is success. Idempotent: resolving twice changes nothing.
 */
public final class GithubAlertCloser implements SourceCloser {

  private static final Logger LOG = LoggerFactory.getLogger(GithubAlertCloser.class);
  /**
   * GitHub's REST description gives no maximum for {@code resolution_comment}; its sibling, code scanning's
   * {@code dismissed_comment}, is limited to 280 characters, and so is this comment, to stay within any limit.
   */
  static final int COMMENT_MAX_CHARS = 280;

  private final GithubApi api;

  GithubAlertCloser(GithubApi api) {
    this.api = api;
  }

  /** The closer, when a token is configured; without one, alerts are left open (said once at start). */
  public static Optional<SourceCloser> fromSettings(Settings settings, Map<String, String> env) {
    var token = GithubOptions.token(settings, env);
    if (token.isEmpty()) {
      LOG.info("GitHub alerts are not resolved: no token ({} or {})", GithubOptions.TOKEN_ENV,
          GithubOptions.TOKEN_FILE.key());
      return Optional.empty();
    }
    return Optional.of(new GithubAlertCloser(new GithubApi(GithubOptions.apiUrl(settings), token.get(),
        settings.get(GithubOptions.TIMEOUT))));
  }

  @Override
  public String name() {
    return "github";
  }

  @Override
  public boolean handles(RemediationOutcome outcome) {
    return outcome.getSource() != null && outcome.getSource().getType() == LeakSourceType.GITHUB
        && (outcome.getStatus() == RemediationStatus.ROTATED || outcome.getStatus() == RemediationStatus.NEUTRALIZED);
  }

  @Override
  public String close(RemediationOutcome outcome) throws Exception {
    GithubAlertReference alert = GithubAlertReference.parse(outcome.getSource().getReference())
        .orElseThrow(() -> new GithubException(0, false, "the sighting names no repository (reference '"
            + outcome.getSource().getReference() + "'): resolve the alert by hand"));
    ObjectNode body = JsonSerde.MAPPER.createObjectNode()
        .put("state", "resolved")
        .put("resolution", "revoked")
        .put("resolution_comment", comment(outcome));
    try {
      JsonNode answer = api.updateAlert(alert, body);
      return "resolved " + alert + " as " + answer.path("resolution").asText("revoked");
    } catch (GithubException e) {
      if (e.status() != 422) {
        throw e;
      }
      JsonNode now = api.getAlert(alert);
      if ("resolved".equals(now.path("state").asText())) {
        return alert + " was already resolved (" + now.path("resolution").asText("unknown resolution") + ")";
      }
      throw e;
    }
  }

  @Override
  public boolean retryable(Exception failure) {
    return failure instanceof GithubException github ? github.retryable() : failure instanceof IOException;
  }

  /** What the alert's timeline says: which incident, what was done, when, to which key (masked). */
  static String comment(RemediationOutcome outcome) {
    Instant at = outcome.getTimeline().getNeutralizedAt() != null ? outcome.getTimeline().getNeutralizedAt()
        : outcome.getTimeline().getRemediatedAt();
    String when = at == null ? "an unknown time" : at.truncatedTo(ChronoUnit.SECONDS).toString();
    String what = outcome.getStatus() == RemediationStatus.ROTATED ? "the key was deleted"
        : "the credential was neutralized";
    String text = "LeakGuard incident " + outcome.getIncidentId() + ": " + what + " at " + when + " ("
        + outcome.getMaskedKey() + ")";
    return text.length() <= COMMENT_MAX_CHARS ? text : text.substring(0, COMMENT_MAX_CHARS - 1) + "…";
  }
}
