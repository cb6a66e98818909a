package io.leakguard.bridge.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.leakguard.schemas.edge.GithubAlertReference;
import io.leakguard.schemas.serde.JsonSerde;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The two secret-scanning calls the bridge makes, on the JDK's HTTP client, with the headers GitHub documents for its
 * REST API (https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api): {@code Accept:
 * application/vnd.github+json}, {@code X-GitHub-Api-Version: 2022-11-28}, {@code Authorization: Bearer <token>} and a
 * {@code User-Agent} (GitHub refuses requests without one). Paths are built from a {@link GithubAlertReference},
 * whose names are checked against GitHub's naming rules, under the configured base only.
 */
final class GithubApi {

  static final String API_VERSION = "2022-11-28";
  static final String MEDIA_TYPE = "application/vnd.github+json";
  static final String USER_AGENT = "LeakGuard-bridge";
  /** Writing needs write; reading the alert (and its secret) needs read. */
  static final String WRITE = "write";
  static final String READ = "read";

  private final URI base;
  private final Supplier<String> token;
  private final Duration timeout;
  private final HttpClient client;

  GithubApi(URI base, Supplier<String> token, Duration timeout) {
    this.base = base;
    this.token = token;
    this.timeout = timeout;
    // HTTP/1.1: no h2c upgrade attempt towards a plain-HTTP test endpoint; GitHub answers 1.1 as well.
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * Update a secret scanning alert: {@code PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}}
   * (https://docs.github.com/en/rest/secret-scanning/secret-scanning#update-a-secret-scanning-alert).
   */
  JsonNode updateAlert(GithubAlertReference alert, ObjectNode body)
      throws IOException, InterruptedException, GithubException {
    return call("PATCH", alert, JsonSerde.MAPPER.writeValueAsString(body), WRITE);
  }

  /**
   * Get a secret scanning alert: {@code GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}}, which,
   * unlike the webhook, carries {@code state} and {@code secret}
   * (https://docs.github.com/en/rest/secret-scanning/secret-scanning#get-a-secret-scanning-alert).
   */
  JsonNode getAlert(GithubAlertReference alert) throws IOException, InterruptedException, GithubException {
    return call("GET", alert, null, READ);
  }

  private JsonNode call(String method, GithubAlertReference alert, String body, String permission)
      throws IOException, InterruptedException, GithubException {
    URI uri = URI.create(base + "/repos/" + alert.owner() + "/" + alert.repository() + "/secret-scanning/alerts/"
        + alert.number());
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Accept", MEDIA_TYPE)
        .header("X-GitHub-Api-Version", API_VERSION)
        .header("Authorization", "Bearer " + token.get())
        .header("User-Agent", USER_AGENT);
    if (body == null) {
      request.GET();
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    String what = method + " alert " + alert;
    if (response.statusCode() / 100 != 2) {
      throw GithubException.of(response.statusCode(), response.headers(), what, permission);
    }
    try {
      return JsonSerde.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new GithubException(response.statusCode(), true, what + ": the answer is not JSON");
    }
  }
}
