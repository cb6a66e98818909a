package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.testkit.SyntheticKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The DingTalk custom robot, against a local server, checked against DingTalk's documentation:
 * https://help.dingtalk.io/open/development/custom-robots-send-group-messages (message format, at, limits) and
 * https://help.dingtalk.io/open/dingstart/customize-robot-security-settings (signing).
 */
class DingTalkChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String token = SyntheticKeys.random(64);
  private final String secret = "SEC" + SyntheticKeys.random(64);
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

  private Channel channel(boolean signed, String timeout) {
    Map<String, String> values = signed
        ? Map.of("type", "dingtalk", "urlEnv", "DT_URL", "secretEnv", "DT_SECRET", "timeout", timeout)
        : Map.of("type", "dingtalk", "urlEnv", "DT_URL", "timeout", timeout);
    Map<String, String> env = LocalReceiver.env("DT_URL", robot.base() + "/robot/send?access_token=" + token,
        "DT_SECRET", secret);
    return ChannelFactory.create(new ChannelConfig("soc-dingtalk", values, env), "dingtalk");
  }

  @Test
  void shouldPostSignedMarkdownMentioningTheOwnerByMobile() throws Exception {
    // Given a signed robot and an owner whose mobile is known
    Channel channel = channel(true, "5s");
    Message message = Messages.english("ROTATED");
    long before = System.currentTimeMillis();

    // When
    String answer = channel.send(Messages.owner("13800001111"), message);

    // Then the request is the documented one
    long after = System.currentTimeMillis();
    assertEquals("errcode 0", answer);
    LocalReceiver.Request request = robot.next();
    assertEquals("POST", request.method());
    assertEquals("/robot/send", request.path());
    assertEquals(token, request.parameter("access_token"));
    long timestamp = Long.parseLong(request.parameter("timestamp"));
    assertTrue(timestamp >= before && timestamp <= after, "timestamp in milliseconds");
    byte[] expected = TestHmac.sha256(secret, timestamp + "\n" + secret);
    assertArrayEquals(expected, Base64.getDecoder().decode(request.parameter("sign")));
    assertFalse(request.rawParameter("sign").matches(".*[+/=].*"), "sign is URL-encoded in the query");
    assertEquals("application/json; charset=utf-8", request.headers().getFirst("Content-Type"));

    JsonNode body = JSON.readTree(request.body());
    assertEquals("markdown", body.get("msgtype").textValue());
    assertEquals(message.title(), body.at("/markdown/title").textValue());
    String text = body.at("/markdown/text").textValue();
    assertTrue(text.startsWith(message.markdown()), text);
    assertTrue(text.contains("@13800001111"), "the mention is also written in the text: " + text);
    JsonNode mobiles = body.at("/at/atMobiles");
    assertTrue(mobiles.isArray());
    assertEquals(1, mobiles.size());
    assertEquals("13800001111", mobiles.get(0).textValue());
    assertTrue(body.at("/at/isAtAll").isBoolean());
    assertFalse(body.at("/at/isAtAll").booleanValue());
  }

  @Test
  void shouldPostUnsignedAndMentionNobodyWithoutSecretOrMobile() throws Exception {
    // Given a keyword robot (no secret) and the security team's group
    Channel channel = channel(false, "5s");

    // When
    channel.send(Messages.group(), Messages.english("FAILED"));

    // Then
    LocalReceiver.Request request = robot.next();
    assertEquals("access_token=" + token, request.rawQuery());
    assertNull(request.parameter("sign"));
    JsonNode body = JSON.readTree(request.body());
    assertEquals(0, body.at("/at/atMobiles").size());
    assertFalse(body.at("/markdown/text").textValue().contains("@"));
  }

  @Test
  void shouldSendChineseAsUtf8() throws Exception {
    // Given
    Channel channel = channel(true, "5s");
    Message message = Messages.chinese();

    // When
    channel.send(Messages.group(), message);

    // Then the bytes are UTF-8 and declared so
    LocalReceiver.Request request = robot.next();
    assertTrue(request.headers().getFirst("Content-Type").endsWith("charset=utf-8"));
    JsonNode body = JSON.readTree(new String(request.body(), StandardCharsets.UTF_8));
    assertEquals("AccessKey 已轮换:泄露的密钥已删除", body.at("/markdown/title").textValue());
    assertTrue(request.text().contains("泄露的 AccessKey"), "written as UTF-8, not as \\u escapes");
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> retryable {2}")
  @CsvSource(delimiter = '|', value = {
      "200 | {\"errcode\":410100,\"errmsg\":\"send too fast\"}                       | true",
      "200 | {\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"} | true",
      "200 | {\"errcode\":-1,\"errmsg\":\"系统繁忙\"}                                  | true",
      "200 | {\"errcode\":310000,\"errmsg\":\"keywords not in content\"}             | false",
      "200 | {\"errcode\":310000,\"errmsg\":\"sign not match\"}                      | false",
      "200 | {\"errcode\":300001,\"errmsg\":\"token is not exist\"}                  | false",
      "200 | {\"errcode\":400102,\"errmsg\":\"机器人已停用\"}                           | false",
      "200 | not json                                                                 | false",
      "500 | ''                                                                       | true",
      "503 | ''                                                                       | true",
      "429 | ''                                                                       | true",
      "404 | ''                                                                       | false"})
  void shouldClassifyTheRobotsAnswers(int status, String body, boolean retryable) {
    // Given
    robot.answer(status, body);
    Channel channel = channel(true, "5s");

    // When
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel.send(Messages.group(), Messages.english("ROTATED")));

    // Then
    assertEquals(retryable, e.retryable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("127.0.0.1 (dingtalk robot): "), e.getMessage());
  }

  @Test
  void shouldRetryWhenTheRobotDoesNotAnswerInTime() {
    // Given a robot that never answers and a short timeout
    robot.answer(request -> LocalReceiver.Reply.HANG);
    Channel channel = channel(true, "300ms");

    // When
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel.send(Messages.group(), Messages.english("ROTATED")));

    // Then
    assertTrue(e.retryable());
    assertEquals("127.0.0.1 (dingtalk robot): no answer within 300ms", e.getMessage());
  }

  @Test
  void shouldRefuseTheRobotUrlWrittenInTheRoutingFile() {
    // Given a URL, with its token, written inline
    ChannelConfig config = new ChannelConfig("soc-dingtalk", Map.of("type", "dingtalk",
        "url", "https://oapi.dingtalk.com/robot/send?access_token=" + token), Map.of());

    // When
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelFactory.create(config, "dingtalk"));

    // Then
    assertTrue(e.getMessage().startsWith("channels.soc-dingtalk.url:"), e.getMessage());
    assertFalse(e.getMessage().contains(token));
  }

  @Test
  void shouldNameTheFieldOfABadTimeout() {
    // Given
    ChannelConfig config = new ChannelConfig("soc-dingtalk", Map.of("type", "dingtalk", "urlEnv", "DT_URL",
        "timeout", "soon"), Map.of("DT_URL", "https://oapi.dingtalk.com/robot/send?access_token=" + token));

    // When
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ChannelFactory.create(config, "dingtalk"));

    // Then
    assertTrue(e.getMessage().startsWith("channels.soc-dingtalk.timeout: "), e.getMessage());
  }
}
