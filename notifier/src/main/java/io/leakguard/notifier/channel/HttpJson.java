package io.leakguard.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * The HTTP side shared by the robot and webhook channels: POSTs one JSON document within the channel's timeout and
 * turns transport failures (no connection, no answer in time) into retryable {@link DeliveryException}s. Messages
 * name the channel's label and host only; the transport exception is not chained, since some carry the request URI.
 */
final class HttpJson {

  static final String JSON_UTF8 = "application/json; charset=utf-8";

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** What a receiver answered. */
  record Answer(int status, String body, Optional<String> retryAfter) {

    boolean ok() {
      return status / 100 == 2;
    }

    /** The body as JSON, or empty when it is not JSON. */
    Optional<JsonNode> json() {
      try {
        JsonNode node = JSON.readTree(body);
        return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
      } catch (IOException e) {
        return Optional.empty();
      }
    }
  }

  private final String label;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param label   the channel's fixed label in messages and recipients, e.g. {@code dingtalk robot}
   * @param timeout time limit of connecting and of the whole exchange
   */
  HttpJson(String label, Duration timeout) {
    this.label = label;
    this.timeout = timeout;
    // Redirects are not followed: a robot URL that redirects is misconfigured, and following would send the
    // signed request somewhere nobody configured.
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  static byte[] toJson(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the message as JSON: " + e.getOriginalMessage());
    }
  }

  /** {@code channel host (label)}: what is recorded as the recipient. */
  String describe(WebhookUrl url) {
    return url.host() + " (" + label + ")";
  }

  /** HTTP statuses after which the same request may succeed later: request timeout, throttling, server errors. */
  static boolean retryableStatus(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  DeliveryException failure(WebhookUrl url, String why, boolean retryable) {
    return new DeliveryException(describe(url) + ": " + why, retryable);
  }

  /**
   * POSTs {@code body} to {@code target} (the configured {@code url}, possibly with signing parameters added).
   *
   * @throws DeliveryException (retryable) when there is no connection or no answer within the timeout
   */
  Answer post(WebhookUrl url, URI target, String contentType, byte[] body, Map<String, String> headers)
      throws DeliveryException {
    HttpRequest.Builder request = HttpRequest.newBuilder(target)
        .timeout(timeout)
        .header("Content-Type", contentType)
        .header("User-Agent", "LeakGuard")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    try {
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Answer(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8),
          response.headers().firstValue("Retry-After"));
    } catch (HttpTimeoutException e) {
      throw failure(url, "no answer within " + words(timeout), true);
    } catch (ConnectException e) {
      throw failure(url, "cannot connect", true);
    } catch (IOException e) {
      throw failure(url, "transport error (" + e.getClass().getSimpleName() + ")", true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure(url, "interrupted", true);
    }
  }

  /**
   * The outcome of a robot whose answer is HTTP 200 with {@code {"errcode": 0, "errmsg": "ok"}} (DingTalk, WeCom):
   * {@code errcode 0}, or a failure naming the code and the vendor's {@code errmsg}. Another status is retryable
   * as {@link #retryableStatus} says; HTTP 200 without JSON or without an integer {@code errcode} is not.
   *
   * @param retryable which non-zero codes a later try may cure (throttling, "system busy")
   * @param secrets   what to scrub from {@code errmsg} besides the URL's own parts (a secret, a signature)
   */
  String errcodeResult(WebhookUrl url, Answer answer, IntPredicate retryable, String... secrets)
      throws DeliveryException {
    if (answer.status() != 200) {
      throw failure(url, "HTTP " + answer.status(), retryableStatus(answer.status()));
    }
    JsonNode reply = answer.json().orElseThrow(() -> failure(url, "HTTP 200 without a JSON answer", false));
    if (!reply.path("errcode").canConvertToInt()) {
      throw failure(url, "HTTP 200 without an errcode", false);
    }
    int errcode = reply.path("errcode").asInt();
    if (errcode == 0) {
      return "errcode 0";
    }
    String errmsg = url.scrub(brief(reply.path("errmsg").asText(""), 200), secrets);
    throw failure(url, "errcode " + errcode + " (" + errmsg + ")", retryable.test(errcode));
  }

  private static String words(Duration duration) {
    return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
  }

  /** At most {@code max} characters of a vendor's message, on one line. */
  static String brief(String text, int max) {
    String line = text == null ? "" : text.replaceAll("\\s+", " ").trim();
    return line.length() <= max ? line : line.substring(0, max) + "...";
  }
}
