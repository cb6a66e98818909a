package io.leakguard.notifier.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakguard.testkit.SyntheticKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Lark / Feishu custom bot, against a local server, checked against
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (signature verification, card message, errors).
 */
class LarkChannelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String token = UUID.randomUUID().toString();
  private final String secret = SyntheticKeys.random(22);
  private LocalReceiver bot;

  @BeforeEach
  void setUp() throws Exception {
    bot = LocalReceiver.start();
    bot.answer(200, "{\"code\":0,\"data\":{},\"msg\":\"success\"}");
  }

  @AfterEach
  void tearDown() {
    bot.close();
  }

  private Channel channel(boolean signed) {
    Map<String, String> values = signed
        ? Map.of("type", "lark", "urlEnv", "LARK_URL", "secretEnv", "LARK_SECRET", "timeout", "5s")
        : Map.of("type", "lark", "urlEnv", "LARK_URL", "timeout", "5s");
    Map<String, String> env = LocalReceiver.env("LARK_URL", bot.base() + "/open-apis/bot/v2/hook/" + token,
        "LARK_SECRET", secret);
    return ChannelFactory.create(new ChannelConfig("soc-lark", values, env), "lark");
  }

  @Test
  void shouldPostASignedCardAsFeishuDefinesIt() throws Exception {
    // Given
    Channel channel = channel(true);
    Message message = Messages.english("ROTATED");
    long before = Instant.now().getEpochSecond();

    // When
    String answer = channel.send(Messages.owner("13800001111"), message);

    // Then
    long after = Instant.now().getEpochSecond();
    assertEquals("code 0", answer);
    LocalReceiver.Request request = bot.next();
    assertEquals("/open-apis/bot/v2/hook/" + token, request.path());
    assertEquals("application/json; charset=utf-8", request.headers().getFirst("Content-Type"));
    JsonNode body = JSON.readTree(request.body());
    assertTrue(body.get("timestamp").isTextual(), "timestamp is a string of seconds");
    long timestamp = Long.parseLong(body.get("timestamp").textValue());
    assertTrue(timestamp >= before && timestamp <= after);
    // Feishu: the string timestamp + "\n" + secret is the HMAC key, and the data is empty.
    byte[] expected = TestHmac.sha256((timestamp + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
    assertArrayEquals(expected, Base64.getDecoder().decode(body.get("sign").textValue()));

    assertEquals("interactive", body.get("msg_type").textValue());
    assertEquals("plain_text", body.at("/card/header/title/tag").textValue());
    assertEquals(message.title(), body.at("/card/header/title/content").textValue());
    assertEquals("green", body.at("/card/header/template").textValue());
    JsonNode elements = body.at("/card/elements");
    assertEquals(1, elements.size());
    assertEquals("markdown", elements.get(0).get("tag").textValue());
    String content = elements.get(0).get("content").textValue();
    assertTrue(content.startsWith("**AccessKey rotated**\n**Key** `LTAI****wxyz`"), "heading made bold: " + content);
    assertTrue(content.contains("[Runbook](https://wiki.example.com/runbook?a=1&b=2)"), content);
    assertFalse(content.contains("13800001111"), "a custom bot cannot mention by mobile");
  }

  @Test
  void shouldLeaveTheSignatureOutWithoutSecretAndColourAFailureRed() throws Exception {
    // Given
    Channel channel = channel(false);

    // When
    channel.send(Messages.group(), Messages.english("FAILED"));

    // Then
    JsonNode body = JSON.readTree(bot.next().body());
    assertFalse(body.has("timestamp"));
    assertFalse(body.has("sign"));
    assertEquals("red", body.at("/card/header/template").textValue());
  }

  @Test
  void shouldSendChineseAsUtf8() throws Exception {
    // Given
    Channel channel = channel(true);

    // When
    channel.send(Messages.group(), Messages.chinese());

    // Then
    LocalReceiver.Request request = bot.next();
    assertTrue(request.headers().getFirst("Content-Type").endsWith("charset=utf-8"));
    assertEquals("AccessKey 已轮换:泄露的密钥已删除",
        JSON.readTree(request.body()).at("/card/header/title/content").textValue());
    assertTrue(request.text().contains("**已轮换**"), request.text());
  }

  @Test
  void shouldAcceptTheOlderStatusCodeAnswer() throws Exception {
    // Given a bot answering in the older shape
    bot.answer(200, "{\"Extra\":null,\"StatusCode\":0,\"StatusMessage\":\"success\"}");

    // When / Then
    assertEquals("code 0", channel(true).send(Messages.group(), Messages.english("ROTATED")));
  }

  @ParameterizedTest(name = "HTTP {0} {1} -> retryable {2}")
  @CsvSource(delimiter = '|', value = {
      "200 | {\"code\":11232,\"msg\":\"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]\",\"data\":{}} | true",
      "200 | {\"code\":19021,\"msg\":\"sign match fail or timestamp is not within one hour from current time\"} | false",
      "200 | {\"code\":19024,\"msg\":\"Key Words Not Found\"}                                                | false",
      "400 | {\"code\":9499,\"msg\":\"Bad Request\",\"data\":{}}                                               | false",
      "429 | ''                                                                                                | true",
      "502 | <html>bad gateway</html>                                                                          | true",
      "404 | ''                                                                                                | false"})
  void shouldClassifyTheBotsAnswers(int status, String body, boolean retryable) {
    // Given
    bot.answer(status, body);

    // When
    DeliveryException e = assertThrows(DeliveryException.class,
        () -> channel(true).send(Messages.group(), Messages.english("ROTATED")));

    // Then
    assertEquals(retryable, e.retryable(), e.getMessage());
    assertTrue(e.getMessage().startsWith("127.0.0.1 (lark bot): "), e.getMessage());
  }
}
