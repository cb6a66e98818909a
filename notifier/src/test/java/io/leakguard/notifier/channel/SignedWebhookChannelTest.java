package io.leakguard.notifier.channel;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.testkit.SyntheticKeys;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The signed generic webhook against a local receiver that verifies it the way the README tells receivers to; with
 * {@code cloudEvents}, checked against the CloudEvents 1.0 JSON format
 * (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md) and the HTTP binding's
 * structured mode (https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/bindings/http-protocol-binding.md).
 */
class SignedWebhookChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String secret = SyntheticKeys.random(32);
  private final String token = SyntheticKeys.random(24);
  private LocalReceiver receiver;

  @BeforeEach
  void setUp() throws Exception {
    receiver = LocalReceiver.start();
    receiver.answer(202, "");
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  private String url() {
    return receiver.base() + "/hooks/" + token + "?token=" + token;
  }

  private Channel channel(Map<String, String> extra) {
    Map<String, String> values = new java.util.HashMap<>(Map.of("type", "webhook", "urlEnv", "HOOK_URL",
        "secretEnv", "HOOK_SECRET", "timeout", "5s"));
    values.putAll(extra);
    return ChannelFactory.create(new ChannelConfig("soar", values,
        LocalReceiver.env("HOOK_URL", url(), "HOOK_SECRET", secret)), "webhook");
  }

  /** The receiver side, as in the README's Java snippet. */
  private static final class Verifier {
    private final String secret;
    private final Set<String> seen = new HashSet<>();

    Verifier(String secret) {
      this.secret = secret;
    }

    boolean verify(String timestamp, String signature, String deliveryId, byte[] body, long nowSeconds)
        throws Exception {
      long age = nowSeconds - Long.parseLong(timestamp);
      if (age > 300 || age < -300) {
        return false;
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(UTF_8));
      String expected = "v1=" + HexFormat.of().formatHex(mac.doFinal(body));
      if (!MessageDigest.isEqual(expected.getBytes(UTF_8), signature.getBytes(UTF_8))) {
        return false;
      }
      return seen.add(deliveryId);
    }
  }

  @Test
  void shouldPostTheSignedNoticeOnce() throws Exception {
    // Given
    Message message = Messages.english("ROTATED");
    long before = Instant.now().getEpochSecond();

    // When
    String answer = channel(Map.of()).send(Messages.group(), message);

    // Then the headers are the documented ones and the signature holds
    assertEquals("HTTP 202", answer);
    LocalReceiver.Request request = receiver.next();
    assertEquals("/hooks/" + token, request.path());
    assertEquals("application/json; charset=utf-8", request.headers().getFirst("Content-Type"));
    assertEquals("LeakGuard", request.headers().getFirst("User-Agent"));
    assertEquals(message.deliveryId(), request.headers().getFirst("X-LeakGuard-Delivery"));
    String timestamp = request.headers().getFirst("X-LeakGuard-Timestamp");
    assertTrue(Long.parseLong(timestamp) >= before && Long.parseLong(timestamp) <= Instant.now().getEpochSecond());
    String signature = request.headers().getFirst("X-LeakGuard-Signature");
    byte[] signed = (timestamp + "." + request.text()).getBytes(UTF_8);
    assertEquals("v1=" + HexFormat.of().formatHex(TestHmac.sha256(secret.getBytes(UTF_8), signed)), signature);

    JsonNode body = JSON.readTree(request.body());
    assertEquals(message.deliveryId(), body.get("deliveryId").textValue());
    assertEquals(message.title() + "\n" + message.text(), body.get("text").textValue());
    assertEquals("inc-1", body.at("/incident/incidentId").textValue());
    assertEquals("ROTATED", body.at("/incident/status").textValue());
    assertEquals(35, body.at("/incident/detectionToNeutralizationMillis").intValue());

    // and a receiver following the README accepts it once, and refuses a tampered, an old or a repeated one
    Verifier verifier = new Verifier(secret);
    long now = Instant.now().getEpochSecond();
    byte[] tampered = request.text().replace("ROTATED", "FAILED").getBytes(UTF_8);
    assertFalse(verifier.verify(timestamp, signature, message.deliveryId(), tampered, now));
    assertFalse(verifier.verify(timestamp, signature, message.deliveryId(), request.body(), now + 301));
    assertTrue(verifier.verify(timestamp, signature, message.deliveryId(), request.body(), now));
    assertFalse(verifier.verify(timestamp, signature, message.deliveryId(), request.body(), now));
  }

  @Test
  void shouldPostACloudEventInStructuredMode() throws Exception {
    // Given a fixed clock
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    SignedWebhookChannel channel = new SignedWebhookChannel("soar", WebhookUrl.parse(url(), "channels.soar.url"),
        secret, true, Duration.ofSeconds(5), Clock.fixed(now, ZoneOffset.UTC));
    Message message = Messages.english("ROTATED");

    // When
    channel.send(Messages.group(), message);

    // Then
    LocalReceiver.Request request = receiver.next();
    assertEquals("application/cloudevents+json; charset=utf-8", request.headers().getFirst("Content-Type"));
    assertEquals(Long.toString(now.getEpochSecond()), request.headers().getFirst("X-LeakGuard-Timestamp"));
    byte[] signed = (now.getEpochSecond() + "." + request.text()).getBytes(UTF_8);
    assertEquals("v1=" + HexFormat.of().formatHex(TestHmac.sha256(secret.getBytes(UTF_8), signed)),
        request.headers().getFirst("X-LeakGuard-Signature"));
    JsonNode event = JSON.readTree(request.body());
    assertEquals("1.0", event.get("specversion").textValue());
    assertEquals(message.deliveryId(), event.get("id").textValue());
    assertEquals("urn:leakguard:notifier", event.get("source").textValue());
    assertEquals("io.leakguard.notification.rotated", event.get("type").textValue());
    assertEquals("inc-1", event.get("subject").textValue());
    assertEquals(now, OffsetDateTime.parse(event.get("time").textValue()).toInstant(), "RFC 3339");
    assertEquals("application/json", event.get("datacontenttype").textValue());
    assertTrue(event.get("data").isObject(), "JSON data is carried as JSON, not as a string");
    assertEquals("inc-1", event.at("/data/incident/incidentId").textValue());
    assertEquals(message.deliveryId(), event.at("/data/deliveryId").textValue());
  }

  @Test
  void shouldSendChineseAsUtf8() throws Exception {
    // When
    channel(Map.of("cloudEvents", "true")).send(Messages.group(), Messages.chinese());

    // Then
    LocalReceiver.Request request = receiver.next();
    assertTrue(request.headers().getFirst("Content-Type").endsWith("charset=utf-8"));
    assertTrue(JSON.readTree(request.body()).at("/data/text").textValue().startsWith("AccessKey 已轮换"));
    assertTrue(request.text().contains("泄露的 AccessKey"), "written as UTF-8, not as \\u escapes");
  }

  @ParameterizedTest(name = "HTTP {0} is retryable")
  @ValueSource(ints = {408, 429, 500, 502, 503, 504})
  void shouldRetryWhatMayPassLater(int status) {
    receiver.answer(status, "");
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel(Map.of()).send(Messages.group(), Messages.english("ROTATED")));
    assertTrue(e.retryable(), e.getMessage());
    assertEquals("127.0.0.1 (webhook): HTTP " + status, e.getMessage());
  }

  @ParameterizedTest(name = "HTTP {0} is final")
  @ValueSource(ints = {302, 400, 401, 403, 404, 410, 413})
  void shouldNotRetryWhatWillNotPass(int status) {
    receiver.answer(request -> new LocalReceiver.Reply(status, "echo " + request.target(),
        status == 302 ? Map.of("Location", "https://elsewhere.example/") : Map.of()));
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel(Map.of()).send(Messages.group(), Messages.english("ROTATED")));
    assertFalse(e.retryable(), e.getMessage());
    assertEquals("127.0.0.1 (webhook): HTTP " + status, e.getMessage());
  }

  @Test
  void shouldAcceptAnInlineUrlButNotTogetherWithUrlEnv() {
    // Given
    Map<String, String> env = LocalReceiver.env("HOOK_URL", url(), "HOOK_SECRET", secret);
    ChannelConfig inline = new ChannelConfig("soar", Map.of("type", "webhook", "url", "https://soar.example.com/in",
        "secretEnv", "HOOK_SECRET"), env);
    ChannelConfig both = new ChannelConfig("soar", Map.of("type", "webhook", "url", "https://soar.example.com/in",
        "urlEnv", "HOOK_URL", "secretEnv", "HOOK_SECRET"), env);

    // When / Then
    assertEquals("soar.example.com (webhook)", ChannelFactory.create(inline, "webhook").describe(Messages.group()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelFactory.create(both, "webhook"));
    assertTrue(e.getMessage().startsWith("channels.soar.url: "), e.getMessage());
  }

  @Test
  void shouldRequireASecretAndAYesOrNoForCloudEvents() {
    Map<String, String> env = LocalReceiver.env("HOOK_URL", url(), "HOOK_SECRET", secret);
    IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class, () -> ChannelFactory.create(
        new ChannelConfig("soar", Map.of("type", "webhook", "urlEnv", "HOOK_URL"), env), "webhook"));
    assertEquals("channels.soar.secret is required: set secretEnv or secretFile", noSecret.getMessage());
    IllegalArgumentException badFlag = assertThrows(IllegalArgumentException.class, () -> ChannelFactory.create(
        new ChannelConfig("soar", Map.of("type", "webhook", "urlEnv", "HOOK_URL", "secretEnv", "HOOK_SECRET",
            "cloudEvents", "yes"), env), "webhook"));
    assertTrue(badFlag.getMessage().startsWith("channels.soar.cloudEvents: "), badFlag.getMessage());
    IllegalArgumentException typo = assertThrows(IllegalArgumentException.class, () -> ChannelFactory.create(
        new ChannelConfig("soar", Map.of("type", "webhook", "urlEnv", "HOOK_URL", "secretEnv", "HOOK_SECRET",
            "cloudevents", "true"), env), "webhook"));
    assertTrue(typo.getMessage().startsWith("channels.soar.cloudevents is not a field"), typo.getMessage());
    assertTrue(Optional.ofNullable(typo.getMessage()).filter(m -> !m.contains(token)).isPresent());
  }
}
