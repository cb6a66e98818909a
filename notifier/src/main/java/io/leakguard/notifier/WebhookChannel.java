package io.leakguard.notifier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.leakguard.schemas.Delivery;
import io.leakguard.schemas.RemediationOutcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * POSTs each outcome as JSON to a generic webhook (chat bridges, SOAR, ticketing). The body is the {@link Notice}
 * plus a {@code text} line. A non-2xx answer or a timeout is a failed delivery, not an exception.
 */
public final class WebhookChannel implements Channel {

  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final URI url;
  private final Duration timeout;
  private final HttpClient http;

  public WebhookChannel(URI url, Duration timeout) {
    this.url = url;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  /** Where messages go, without any credentials or query the URL may carry. */
  String recipient() {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getPath();
  }

  @Override
  public Delivery deliver(RemediationOutcome outcome) {
    Notice notice = Notice.of(outcome);
    Delivery.Builder delivery = Delivery.newBuilder().setChannel("webhook").setRecipient(recipient());
    try {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("text", notice.summary());
      body.put("incident", notice);
      HttpRequest request = HttpRequest.newBuilder(url)
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .header("User-Agent", "LeakGuard")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
          .build();
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      boolean ok = response.statusCode() / 100 == 2;
      return delivery.setDelivered(ok).setDetail("HTTP " + response.statusCode()).build();
    } catch (IOException e) {
      return delivery.setDelivered(false).setDetail(e.getClass().getSimpleName() + ": " + e.getMessage()).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return delivery.setDelivered(false).setDetail("interrupted").build();
    }
  }
}
