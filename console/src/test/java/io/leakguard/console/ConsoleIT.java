package io.leakguard.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.schemas.ApprovalDecision;
import io.leakguard.schemas.Decision;
import io.leakguard.schemas.Incident;
import io.leakguard.schemas.LeakSourceType;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.RemediationStatus;
import io.leakguard.testkit.SyntheticKeys;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's API over real HTTP, on the console service running on a real broker, with records written as the
 * pipeline writes them. Each test works in an account of its own, so the list filters tell its incidents apart.
 */
class ConsoleIT {

  @TempDir
  static Path dir;
  static ConsoleStack stack;
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() throws Exception {
    stack = new ConsoleStack(dir);
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = stack.get(path, stack.token);
    assertEquals(200, response.statusCode(), response.body());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return json.readTree(response.body());
  }

  private JsonNode awaitList(String query, int count) {
    return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> getJson("/api/incidents?" + query), page -> page.path("total").asInt() == count);
  }

  private HttpResponse<String> post(String path, String contentType, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.url(path))).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + stack.token).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return stack.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldListFilterAndDetailIncidentsNewestFirst() throws Exception {
    // Given three incidents in one account: an old GitHub one rotated and notified, a newer scanner one waiting
    // for approval, and the newest, from Security Center, without an outcome yet (so in no account)
    String account = SyntheticKeys.accountId();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Incident old = stack.incident(SyntheticKeys.accessKeyId(), LeakSourceType.GITHUB, now.minus(Duration.ofDays(3)));
    Incident waiting = stack.incident(SyntheticKeys.accessKeyId(), LeakSourceType.SCANNER, now.minusSeconds(60));
    RemediationOutcome rotated = stack.outcome(old, account, RemediationStatus.ROTATED);
    stack.notification(rotated);
    stack.outcome(waiting, account, RemediationStatus.AWAITING_APPROVAL);

    // When the account's incidents are listed, then both, newest first
    JsonNode page = awaitList("account=" + account, 2);
    assertEquals(waiting.getIncidentId(), page.path("incidents").get(0).path("incidentId").asText());
    assertEquals(old.getIncidentId(), page.path("incidents").get(1).path("incidentId").asText());
    assertEquals("AWAITING_APPROVAL", page.path("incidents").get(0).path("remediationStatus").asText());
    assertTrue(page.path("incidents").get(0).path("awaitingDecision").asBoolean());
    assertEquals(waiting.getMaskedKey(), page.path("incidents").get(0).path("maskedKey").asText());

    // And each filter narrows it
    assertEquals(waiting.getIncidentId(), awaitList("account=" + account + "&status=awaiting-approval", 1)
        .path("incidents").get(0).path("incidentId").asText());
    assertEquals(old.getIncidentId(), awaitList("account=" + account + "&source=github", 1)
        .path("incidents").get(0).path("incidentId").asText());
    assertEquals(waiting.getIncidentId(), awaitList("account=" + account + "&since=24h", 1)
        .path("incidents").get(0).path("incidentId").asText());
    assertEquals(1, awaitList("account=" + account + "&limit=1", 2).path("incidents").size());
    assertEquals(400, stack.get("/api/incidents?status=SOMETIMES", stack.token).statusCode());

    // And the detail carries the timeline, the steps with their durations, the sightings and the notifications
    JsonNode detail = await().atMost(Duration.ofSeconds(60)).until(
        () -> getJson("/api/incidents/" + old.getIncidentId()), d -> d.path("notifications").size() == 1);
    assertEquals("ROTATED", detail.path("remediationStatus").asText());
    assertEquals(account, detail.path("account").asText());
    assertEquals("FindOwner", detail.path("steps").get(0).path("name").asText());
    assertEquals(25, detail.path("steps").get(0).path("durationMillis").asLong());
    List<String> stages = json.convertValue(detail.path("timeline").path("stages").findValuesAsText("stage"),
        List.class);
    assertEquals(List.of("sighted", "detected", "enriched", "remediated", "notified"), stages);
    assertEquals(90, detail.path("timeline").path("stages").get(4).path("millisSinceSighted").asLong());
    assertEquals("GITHUB", detail.path("incident").path("sightings").get(0).path("source").path("type").asText());
    assertEquals("email", detail.path("notifications").get(0).path("deliveries").get(0).path("channel").asText());
    assertEquals(1, detail.path("remediations").size());
    assertEquals(404, stack.get("/api/incidents/no-such-incident", stack.token).statusCode());
  }

  @Test
  void shouldAnnounceANewIncidentOnTheEventStream() throws Exception {
    // Given an open event stream
    HttpRequest request = HttpRequest.newBuilder(URI.create(stack.url("/api/events")))
        .header("Authorization", "Bearer " + stack.token).build();
    HttpResponse<java.io.InputStream> response = stack.http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
    try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertEquals("retry: 2000", events.readLine());

      // When an incident is written
      Incident incident = stack.incident(SyntheticKeys.accessKeyId(), LeakSourceType.MANUAL, Instant.now());

      // Then a change event names it
      CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
        try {
          for (String line; (line = events.readLine()) != null; ) {
            if (line.startsWith("data:") && line.contains(incident.getIncidentId())) {
              return line;
            }
          }
          return null;
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      String data = seen.get(60, TimeUnit.SECONDS);
      JsonNode change = json.readTree(data.substring("data:".length()));
      assertEquals("INCIDENT", change.path("kind").asText());
      assertEquals("OPEN", change.path("status").asText());
    }
  }

  @Test
  void shouldRefuseEveryApiCallWithoutAValidToken() throws Exception {
    for (String path : List.of("/api/incidents", "/api/incidents/x", "/api/events")) {
      HttpResponse<String> none = stack.get(path, null);
      assertEquals(401, none.statusCode(), path);
      assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), path);
      assertEquals(401, stack.get(path, SyntheticKeys.random(32)).statusCode(), path);
    }
    HttpRequest approve = HttpRequest.newBuilder(URI.create(stack.url("/api/incidents/x/approve")))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    assertEquals(401, stack.http.send(approve, HttpResponse.BodyHandlers.ofString()).statusCode());
    // The page itself holds no data and loads without a token, with a strict content security policy
    HttpResponse<String> page = stack.get("/", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("LeakGuard console"));
    assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
  }

  @Test
  void shouldWriteTheDecisionWithTheAuthenticatedIdentity() throws Exception {
    // Given an incident contained while waiting for approval, and another already rotated
    String account = SyntheticKeys.accountId();
    Incident contained = stack.incident(SyntheticKeys.accessKeyId(), LeakSourceType.SCANNER, Instant.now());
    stack.outcome(contained, account, RemediationStatus.CONTAINED);
    Incident done = stack.incident(SyntheticKeys.accessKeyId(), LeakSourceType.SCANNER, Instant.now());
    stack.outcome(done, account, RemediationStatus.ROTATED);
    awaitList("account=" + account, 2);

    // When alice approves the contained one, then 202 and the decision is on the approvals topic, as alice
    HttpResponse<String> approved = post("/api/incidents/" + contained.getIncidentId() + "/approve",
        "application/json", "{\"comment\":\"owner confirmed\"}", "Origin", "http://127.0.0.1:" + stack.port(),
        "Sec-Fetch-Site", "same-origin");
    assertEquals(202, approved.statusCode(), approved.body());
    ApprovalDecision decision = stack.decisionsOn(contained.getIncidentId()).get(0);
    assertEquals(Decision.APPROVE, decision.getDecision());
    assertEquals("alice", decision.getDecidedBy());
    assertEquals("owner confirmed", decision.getComment());

    // And a decision on the rotated one is refused: it waits for none
    assertEquals(409, post("/api/incidents/" + done.getIncidentId() + "/reject", "application/json", "{}")
        .statusCode());
    assertEquals(404, post("/api/incidents/nothing/reject", "application/json", "{}").statusCode());
  }

  @Test
  void shouldRefuseCrossSitePosts() throws Exception {
    // Given an incident waiting for approval
    String account = SyntheticKeys.accountId();
    Incident waiting = stack.incident(SyntheticKeys.accessKeyId(), LeakSourceType.SCANNER, Instant.now());
    stack.outcome(waiting, account, RemediationStatus.AWAITING_APPROVAL);
    awaitList("account=" + account, 1);
    String path = "/api/incidents/" + waiting.getIncidentId() + "/reject";

    // When POSTs come from another site, or not as JSON (what a cross-site form can send), then they are refused
    assertEquals(403, post(path, "application/json", "{}", "Origin", "https://evil.example").statusCode());
    assertEquals(403, post(path, "application/json", "{}", "Sec-Fetch-Site", "cross-site").statusCode());
    assertEquals(403, post(path, "application/json", "{}", "Sec-Fetch-Site", "same-site").statusCode());
    assertEquals(415, post(path, "text/plain", "{}").statusCode());
    assertEquals(415, post(path, "application/x-www-form-urlencoded", "comment=x").statusCode());
    assertEquals(415, post(path, null, "{}").statusCode());
    // And a GET cannot decide
    assertEquals(405, stack.get(path, stack.token).statusCode());

    // And nothing was written: the one decision on the topic is the last, valid, request's
    assertEquals(202, post(path, "application/json", "{}", "Origin", "http://127.0.0.1:" + stack.port())
        .statusCode());
    List<ApprovalDecision> decisions = stack.decisionsOn(waiting.getIncidentId());
    assertEquals(1, decisions.size());
    assertEquals(Decision.REJECT, decisions.get(0).getDecision());
    assertFalse(decisions.get(0).getComment() != null);
  }
}
