package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The WeCom group robot, against a local server, checked against
 * https://developer.work.weixin.qq.com/document/path/91770 (message types, mentions, limits, errcode).
 */
class WeComChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String key = UUID.randomUUID().toString();
  private LocalReceiver robot;

  @BeforeEach
  void setUp() throws Exception {
    robot = LocalReceiver.start();
    robot.answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
  }

  @AfterEach
  void tearDown() {
    robot.close();
  }

  private Channel channel() {
    Map<String, String> env = LocalReceiver.env("WECOM_URL", robot.base() + "/cgi-bin/webhook/send?key=" + key);
    return ChannelFactory.create(new ChannelConfig("soc-wecom", Map.of("type", "wecom", "urlEnv", "WECOM_URL"), env),
        "wecom");
  }

  @Test
  void shouldPostMarkdownToTheGroup() throws Exception {
    // Given
    Message message = Messages.english("ROTATED");

    // When
    String answer = channel().send(Messages.group(), message);

    // Then
    assertEquals("errcode 0", answer);
    LocalReceiver.Request request = robot.next();
    assertEquals("/cgi-bin/webhook/send", request.path());
    assertEquals(key, request.parameter("key"));
    assertEquals("application/json; charset=utf-8", request.headers().getFirst("Content-Type"));
    JsonNode body = JSON.readTree(request.body());
    assertEquals("markdown", body.get("msgtype").textValue());
    assertEquals(message.markdown(), body.at("/markdown/content").textValue());
    assertFalse(body.has("text"));
  }

  @Test
  void shouldMentionTheOwnerByMobileInATextMessage() throws Exception {
    // Given an owner whose mobile is known: WeCom mentions by mobile only in text messages
    Message message = Messages.english("FAILED");

    // When
    channel().send(Messages.owner("13800001111"), message);

    // Then
    JsonNode body = JSON.readTree(robot.next().body());
    assertEquals("text", body.get("msgtype").textValue());
    assertEquals(message.title() + "\n" + message.text(), body.at("/text/content").textValue());
    JsonNode mobiles = body.at("/text/mentioned_mobile_list");
    assertTrue(mobiles.isArray());
    assertEquals(1, mobiles.size());
    assertEquals("13800001111", mobiles.get(0).textValue());
  }

  @Test
  void shouldSendChineseAsUtf8WithinTheMarkdownByteLimit() throws Exception {
    // Given a Chinese markdown far beyond 4096 bytes (3 bytes a character)
    Message base = Messages.chinese();
    Message message = new Message(base.deliveryId(), base.incidentId(), base.status(), base.language(), base.title(),
        base.text(), base.markdown() + "\n" + "泄露".repeat(2000), base.html(), base.facts());

    // When
    channel().send(Messages.group(), message);

    // Then
    LocalReceiver.Request request = robot.next();
    assertTrue(request.headers().getFirst("Content-Type").endsWith("charset=utf-8"));
    String content = JSON.readTree(request.body()).at("/markdown/content").textValue();
    assertTrue(content.getBytes(StandardCharsets.UTF_8).length <= 4096, "at most 4096 bytes");
    assertTrue(content.getBytes(StandardCharsets.UTF_8).length > 4000, "cut near the limit");
    assertTrue(content.startsWith("## 已轮换\n**泄露的 AccessKey**"), content);
    assertTrue(content.endsWith("泄…") || content.endsWith("露…"), "cut on a character: " + content);
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> retryable {2}")
  @CsvSource(delimiter = '|', value = {
      "200 | {\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}   | true",
      "200 | {\"errcode\":-1,\"errmsg\":\"system busy\"}                | true",
      "200 | {\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}     | false",
      "200 | {\"errcode\":40008,\"errmsg\":\"invalid message type\"}    | false",
      "200 | {\"errcode\":44004,\"errmsg\":\"empty content\"}           | false",
      "500 | ''                                                           | true",
      "403 | ''                                                           | false"})
  void shouldClassifyTheRobotsAnswers(int status, String body, boolean retryable) {
    // Given
    robot.answer(status, body);

    // When
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel().send(Messages.group(), Messages.english("ROTATED")));

    // Then
    assertEquals(retryable, e.retryable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("127.0.0.1 (wecom robot): "), e.getMessage());
  }
}
