package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.testkit.SyntheticKeys;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Slack incoming webhook, against a local server, checked against https://api.slack.com/messaging/webhooks,
 * https://api.slack.com/reference/block-kit/blocks and
 * https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks.
 */
class SlackChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String token = SyntheticKeys.random(24);
  private LocalReceiver slack;

  @BeforeEach
  void setUp() throws Exception {
    slack = LocalReceiver.start();
    slack.answer(200, "ok");
  }

  @AfterEach
  void tearDown() {
    slack.close();
  }

  private Channel channel() {
    Map<String, String> env = LocalReceiver.env("SLACK_URL", slack.base() + "/services/T000/B000/" + token);
    return ChannelFactory.create(new ChannelConfig("soc-slack", Map.of("type", "slack", "urlEnv", "SLACK_URL"), env),
        "slack");
  }

  @Test
  void shouldPostBlockKitWithATextFallback() throws Exception {
    // Given
    Message message = Messages.english("ROTATED");

    // When
    String answer = channel().send(Messages.group(), message);

    // Then
    assertEquals("HTTP 200 ok", answer);
    LocalReceiver.Request request = slack.next();
    assertEquals("/services/T000/B000/" + token, request.path());
    assertEquals("application/json; charset=utf-8", request.headers().getFirst("Content-Type"));
    JsonNode body = JSON.readTree(request.body());
    assertEquals(message.title(), body.get("text").textValue());
    JsonNode blocks = body.get("blocks");
    assertEquals(3, blocks.size());
    assertEquals("header", blocks.get(0).get("type").textValue());
    assertEquals("plain_text", blocks.get(0).at("/text/type").textValue());
    assertEquals(message.title(), blocks.get(0).at("/text/text").textValue());
    assertEquals("section", blocks.get(1).get("type").textValue());
    assertEquals("mrkdwn", blocks.get(1).at("/text/type").textValue());
    assertEquals(SlackMrkdwn.convert(message.markdown()), blocks.get(1).at("/text/text").textValue());
    assertTrue(blocks.get(1).at("/text/text").textValue().contains("*Key*"));
    assertEquals("context", blocks.get(2).get("type").textValue());
    assertEquals("mrkdwn", blocks.get(2).at("/elements/0/type").textValue());
    assertEquals("Incident `inc-1` · ROTATED", blocks.get(2).at("/elements/0/text").textValue());
  }

  @Test
  void shouldKeepWithinSlacksBlockLimits() throws Exception {
    // Given a title over 150 characters and a body over 3000
    Message base = Messages.english("ROTATED");
    Message message = new Message(base.deliveryId(), base.incidentId(), base.status(), base.language(),
        "x".repeat(200), base.text(), ("line of text " + "y".repeat(80) + "\n").repeat(50), base.html(),
        base.facts());

    // When
    channel().send(Messages.group(), message);

    // Then
    JsonNode blocks = JSON.readTree(slack.next().body()).get("blocks");
    assertEquals(150, blocks.get(0).at("/text/text").textValue().length());
    assertTrue(blocks.size() > 3, "the body is split into several sections");
    for (int i = 1; i < blocks.size() - 1; i++) {
      assertTrue(blocks.get(i).at("/text/text").textValue().length() <= 3000);
    }
  }

  @Test
  void shouldSendChineseAsUtf8() throws Exception {
    // When
    channel().send(Messages.group(), Messages.chinese());

    // Then
    LocalReceiver.Request request = slack.next();
    assertTrue(request.headers().getFirst("Content-Type").endsWith("charset=utf-8"));
    JsonNode body = JSON.readTree(request.body());
    assertEquals("AccessKey 已轮换:泄露的密钥已删除", body.at("/blocks/0/text/text").textValue());
    assertTrue(request.text().contains("*泄露的 AccessKey*"), request.text());
  }

  @Test
  void shouldSayWhenToRetryAfterBeingRateLimited() {
    // Given
    slack.answer(request -> new LocalReceiver.Reply(429, "rate_limited", Map.of("Retry-After", "30")));

    // When
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel().send(Messages.group(), Messages.english("ROTATED")));

    // Then
    assertTrue(e.retryable());
    assertEquals("127.0.0.1 (slack webhook): HTTP 429 (rate limited; Retry-After 30s)", e.getMessage());
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> retryable {2}")
  @CsvSource(delimiter = '|', value = {
      "400 | invalid_payload      | false",
      "400 | user_not_found       | false",
      "403 | action_prohibited    | false",
      "403 | invalid_token        | false",
      "404 | channel_not_found    | false",
      "404 | no_service           | false",
      "410 | channel_is_archived  | false",
      "500 | rollup_error         | true",
      "503 | ''                   | true"})
  void shouldClassifySlacksAnswers(int status, String body, boolean retryable) {
    // Given
    slack.answer(status, body);

    // When
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel().send(Messages.group(), Messages.english("ROTATED")));

    // Then
    assertEquals(retryable, e.retryable(), e.getMessage());
    assertEquals(("127.0.0.1 (slack webhook): HTTP " + status + " " + body).trim(), e.getMessage());
  }
}
