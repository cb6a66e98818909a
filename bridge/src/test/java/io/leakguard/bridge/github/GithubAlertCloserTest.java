package io.leakguard.bridge.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.bridge.github.FakeGithub.Reply;
import io.leakguard.schemas.CredentialKind;
import io.leakguard.schemas.KeyForms;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.Owner;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.schemas.SourceLocation;
import io.leakguard.schemas.Timeline;
import io.leakguard.testkit.SyntheticKeys;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The closer against a local GitHub API, per "Update a secret scanning alert"
 * (https://docs.github.com/en/rest/secret-scanning/secret-scanning#update-a-secret-scanning-alert).
 */
class GithubAlertCloserTest {

  private static final String ALERT = "/api/v3/repos/octo-org/octo-repo/secret-scanning/alerts/42";
  private static final Instant DELETED = Instant.parse("2026-11-22T10:00:05.123Z");

  private final String token = SyntheticKeys.random(40);
  private final String accessKeyId = SyntheticKeys.accessKeyId();
  private FakeGithub github;
  private GithubAlertCloser closer;

  @BeforeEach
  void setUp() throws Exception {
    github = new FakeGithub();
    // A GitHub Enterprise Server-style base, with its /api/v3 prefix.
    closer = new GithubAlertCloser(new GithubApi(github.base("/api/v3"), () -> token, Duration.ofSeconds(5)));
  }

  @AfterEach
  void tearDown() {
    github.close();
  }

  private RemediationOutcome outcome(RemediationStatus status, LeakSourceType type, String reference,
      String incidentId) {
    return RemediationOutcome.newBuilder().setIncidentId(incidentId).setAccessKeyId(accessKeyId)
        .setKind(CredentialKind.RAM_USER_KEY).setMaskedKey(KeyForms.mask(accessKeyId))
        .setSource(SourceLocation.newBuilder().setType(type).setLocation("github.com/octo-org/octo-repo")
            .setReference(reference).build())
        .setOwner(Owner.newBuilder().build()).setStatus(status).setStrategy("replace-first")
        .setTimeline(Timeline.newBuilder().setSightedAt(DELETED.minusSeconds(9)).setDetectedAt(DELETED.minusSeconds(8))
            .setRemediatedAt(DELETED.plusSeconds(1)).setNeutralizedAt(DELETED).build())
        .build();
  }

  private RemediationOutcome rotated() {
    return outcome(RemediationStatus.ROTATED, LeakSourceType.GITHUB, "octo-org/octo-repo#42", "inc-1");
  }

  @Test
  void shouldResolveTheAlertAsRevokedWithTheDocumentedHeadersAndBody() throws Exception {
    // Given GitHub accepts the change
    github.on("PATCH", ALERT, Reply.of(200, "{\"number\":42,\"state\":\"resolved\",\"resolution\":\"revoked\"}"));

    // When the key of alert 42 was rotated
    String said = closer.close(rotated());

    // Then exactly one PATCH went to the alert, with every header and the body GitHub documents
    assertEquals(1, github.requests.size());
    FakeGithub.Request request = github.requests.get(0);
    assertEquals("PATCH", request.method());
    assertEquals(ALERT, request.path());
    assertEquals(List.of("application/vnd.github+json"), request.headers().get("Accept"));
    assertEquals(List.of("2022-11-28"), request.headers().get("X-github-api-version"));
    assertEquals(List.of("Bearer " + token), request.headers().get("Authorization"));
    assertEquals(List.of("LeakGuard-bridge"), request.headers().get("User-agent"));
    assertEquals(List.of("application/json"), request.headers().get("Content-type"));
    assertEquals("{\"state\":\"resolved\",\"resolution\":\"revoked\",\"resolution_comment\":\"LeakGuard incident "
        + "inc-1: the key was deleted at 2026-11-22T10:00:05Z (" + KeyForms.mask(accessKeyId) + ")\"}",
        request.body());
    assertEquals("resolved octo-org/octo-repo#42 as revoked", said);
    assertFalse(said.contains(token));
  }

  @Test
  void shouldCountAnAlertResolvedAlreadyAsDone() throws Exception {
    // Given GitHub refuses the change (422) and the alert is resolved already (by a person, say)
    github.on("PATCH", ALERT, Reply.of(422, "{\"message\":\"Validation Failed\"}"))
        .on("GET", ALERT, Reply.of(200, "{\"number\":42,\"state\":\"resolved\",\"resolution\":\"false_positive\"}"));

    // Then closing it is a success that says so
    assertEquals("octo-org/octo-repo#42 was already resolved (false_positive)", closer.close(rotated()));
    assertEquals(List.of("PATCH", "GET"), github.requests.stream().map(FakeGithub.Request::method).toList());
  }

  @Test
  void shouldRetryThrottlingAndGithubFailuresButNotRefusals() {
    record Case(Reply reply, boolean retryable, String says) {}
    List<Case> cases = List.of(
        new Case(Reply.of(500, "{}"), true, "GitHub failed (500)"),
        new Case(Reply.of(503, "{}"), true, "GitHub failed (503)"),
        new Case(Reply.of(429, "{}"), true, "throttled"),
        new Case(new Reply(403, "{}", Map.of("x-ratelimit-remaining", "0")), true, "throttled"),
        new Case(Reply.of(401, "{}"), false, "the token was refused (401)"),
        new Case(Reply.of(403, "{}"), false, "\"Secret scanning alerts\": write"),
        new Case(Reply.of(404, "{}"), false, "not found (404)"));
    for (Case each : cases) {
      github.on("PATCH", ALERT, each.reply());

      GithubException failure = assertThrows(GithubException.class, () -> closer.close(rotated()));

      assertEquals(each.retryable(), closer.retryable(failure), each.toString());
      assertTrue(failure.getMessage().contains(each.says()), failure.getMessage());
      assertFalse(failure.getMessage().contains(token));
    }
  }

  @Test
  void shouldNotCountARefusalOfAnOpenAlertAsDone() {
    github.on("PATCH", ALERT, Reply.of(422, "{}")).on("GET", ALERT, Reply.of(200, "{\"state\":\"open\"}"));

    GithubException failure = assertThrows(GithubException.class, () -> closer.close(rotated()));

    assertFalse(closer.retryable(failure));
    assertTrue(failure.getMessage().contains("422"), failure.getMessage());
  }

  @Test
  void shouldRetryATimeout() throws Exception {
    // Given a GitHub that never answers, and a short time limit
    github.on("PATCH", ALERT, Reply.of(0, ""));
    closer = new GithubAlertCloser(new GithubApi(github.base("/api/v3"), () -> token, Duration.ofMillis(300)));

    Exception failure = assertThrows(HttpTimeoutException.class, () -> closer.close(rotated()));

    assertTrue(closer.retryable(failure));
  }

  @Test
  void shouldHandleOnlyGithubOutcomesThatMadeTheKeyHarmless() {
    assertTrue(closer.handles(rotated()));
    assertTrue(closer.handles(outcome(RemediationStatus.NEUTRALIZED, LeakSourceType.GITHUB, "a/b#1", "i")));
    assertFalse(closer.handles(outcome(RemediationStatus.FAILED, LeakSourceType.GITHUB, "a/b#1", "i")));
    assertFalse(closer.handles(outcome(RemediationStatus.ESCALATED, LeakSourceType.GITHUB, "a/b#1", "i")));
    assertFalse(closer.handles(outcome(RemediationStatus.ROTATED, LeakSourceType.SECURITY_CENTER, "a/b#1", "i")));
  }

  @Test
  void shouldRefuseForGoodAnOutcomeThatNamesNoRepository() {
    // Given a sighting recorded before references named the repository
    var old = outcome(RemediationStatus.ROTATED, LeakSourceType.GITHUB, "alert 42", "inc-2");

    GithubException failure = assertThrows(GithubException.class, () -> closer.close(old));

    assertFalse(closer.retryable(failure));
    assertTrue(failure.getMessage().contains("by hand"), failure.getMessage());
    assertTrue(github.requests.isEmpty());
  }

  @Test
  void shouldSayWhatWasDoneWithinTheCommentLimit() {
    String neutralized = GithubAlertCloser.comment(outcome(RemediationStatus.NEUTRALIZED, LeakSourceType.GITHUB,
        "a/b#1", "inc-3"));
    String long_ = GithubAlertCloser.comment(outcome(RemediationStatus.ROTATED, LeakSourceType.GITHUB, "a/b#1",
        "x".repeat(400)));

    assertEquals("LeakGuard incident inc-3: the credential was neutralized at 2026-11-22T10:00:05Z ("
        + KeyForms.mask(accessKeyId) + ")", neutralized);
    assertEquals(GithubAlertCloser.COMMENT_MAX_CHARS, long_.length());
  }
}
