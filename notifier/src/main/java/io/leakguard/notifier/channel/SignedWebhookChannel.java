package io.leakguard.notifier.channel;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The generic webhook (chat bridges, SOAR, ticketing), signed and replay-safe. Each POST carries
 * <ul>
 *   <li>{@code X-LeakGuard-Timestamp}: Unix seconds at sending;</li>
 *   <li>{@code X-LeakGuard-Signature: v1=<hex HMAC-SHA256(key = secret, data = timestamp + "." + raw body)>}, so a
 *       receiver knows the body is ours and recent (it rejects timestamps older than a few minutes);</li>
 *   <li>{@code X-LeakGuard-Delivery}: the message's delivery ID, the same on every resend, so a receiver drops
 *       repeats (it is in the signed body too: {@code deliveryId}, or the CloudEvents {@code id}).</li>
 * </ul>
 * The body is {@code {"deliveryId", "text": title and text, "incident": facts}} as JSON. With {@code cloudEvents} it
 * is a CloudEvents 1.0 event in structured mode ({@code Content-Type: application/cloudevents+json}) with that
 * document as {@code data}, following the JSON event format
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md and the HTTP binding
 * https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md (section 3.2):
 * {@code specversion} 1.0, {@code id} the delivery ID, {@code source} {@value #SOURCE}, {@code type}
 * {@code io.leakguard.notification.<status in lower case>}, {@code subject} the incident ID, {@code time} RFC 3339,
 * {@code datacontenttype} {@code application/json}.
 *
 * <p>2xx is success; 408, 429, 5xx and transport failures may pass later; any other answer will not. The URL's
 * path and query may hold a token too, so only its host is ever recorded.
 *
 * <p>Routing-file fields: {@code url} (inline) or {@code urlEnv}/{@code urlFile}, {@code secretEnv}/{@code secretFile}
 * (required), {@code cloudEvents} ({@code false}), {@code timeout}.
 */
public final class SignedWebhookChannel extends HttpChannel {

  static final String TYPE = "webhook";
  static final String SOURCE = "urn:leakguard:notifier";
  static final String CLOUDEVENTS_JSON = "application/cloudevents+json; charset=utf-8";

  private final String secret;
  private final boolean cloudEvents;
  private final Clock clock;

  SignedWebhookChannel(String name, WebhookUrl url, String secret, boolean cloudEvents, Duration timeout,
      Clock clock) {
    super(name, TYPE, url, "webhook", timeout);
    this.secret = secret;
    this.cloudEvents = cloudEvents;
    this.clock = clock;
  }

  public static SignedWebhookChannel fromConfig(ChannelConfig config) {
    // A generic URL may be harmless (the receiver authenticates by signature) and then may be written inline;
    // when it holds a token it is given like any credential.
    WebhookUrl url;
    var inline = config.optional("url");
    if (inline.isPresent()) {
      if (config.optional("urlEnv").isPresent() || config.optional("urlFile").isPresent()) {
        throw new IllegalArgumentException(config.path("url") + ": give url, urlEnv or urlFile, only one");
      }
      url = WebhookUrl.parse(inline.get(), config.path("url"));
    } else {
      url = WebhookUrl.fromSecret(config, "url");
    }
    return new SignedWebhookChannel(config.name(), url, config.requiredSecret("secret"),
        ChannelOptions.bool(config, "cloudEvents", false), ChannelOptions.timeout(config), Clock.systemUTC());
  }

  @Override
  public String send(Recipient recipient, Message message) throws DeliveryException {
    Instant now = clock.instant();
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("deliveryId", message.deliveryId());
    document.put("text", message.title() + "\n" + message.text());
    document.put("incident", message.facts());
    byte[] body;
    String contentType;
    if (cloudEvents) {
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("specversion", "1.0");
      event.put("id", message.deliveryId());
      event.put("source", SOURCE);
      event.put("type", "io.leakguard.notification."
          + (message.status() == null ? "unknown" : message.status().toLowerCase(Locale.ROOT)));
      event.put("subject", message.incidentId());
      event.put("time", now.toString());
      event.put("datacontenttype", "application/json");
      event.put("data", document);
      body = HttpJson.toJson(event);
      contentType = CLOUDEVENTS_JSON;
    } else {
      body = HttpJson.toJson(document);
      contentType = HttpJson.JSON_UTF8;
    }
    String timestamp = Long.toString(now.getEpochSecond());
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-LeakGuard-Timestamp", timestamp);
    headers.put("X-LeakGuard-Signature", "v1=" + signature(secret, timestamp, body));
    headers.put("X-LeakGuard-Delivery", message.deliveryId());

    HttpJson.Answer answer = http.post(url, url.uri(), contentType, body, headers);
    if (answer.ok()) {
      return "HTTP " + answer.status();
    }
    // The receiver's body is not repeated: a generic receiver may echo anything, the request included.
    throw http.failure(url, "HTTP " + answer.status(), HttpJson.retryableStatus(answer.status()));
  }

  /** hex(HmacSHA256(key = secret, data = timestamp + "." + body)). */
  static String signature(String secret, String timestamp, byte[] body) {
    byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] data = new byte[prefix.length + body.length];
    System.arraycopy(prefix, 0, data, 0, prefix.length);
    System.arraycopy(body, 0, data, prefix.length, body.length);
    return Signing.hex(Signing.hmacSha256(secret.getBytes(StandardCharsets.UTF_8), data));
  }
}
