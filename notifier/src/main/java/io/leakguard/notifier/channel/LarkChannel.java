package io.leakguard.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Lark / Feishu custom bot (飞书自定义机器人, {@code open.feishu.cn} or {@code open.larksuite.com}): one
 * {@code interactive} card per notification, the title in the card header (green when the key was rotated or
 * neutralized, red when remediation failed, orange otherwise) and the markdown in a {@code markdown} element.
 *
 * <p>Follows https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (same page in English:
 * https://open.larksuite.com/document/client-docs/bot-v3/add-custom-bot): with signature verification on, the body
 * carries {@code timestamp} (seconds, as a string) and
 * {@code sign = base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty))}; note that, unlike DingTalk, the
 * string is the key and the data is empty. The answer is {@code {"code":0,"msg":"success"}}; 19021 is a bad
 * signature, 19024 a missing keyword, 9499 a bad request, and 11232 the bot's rate limit (100 a minute, 5 a second),
 * the only one a retry can cure.
 *
 * <p>No one is {@code @}-mentioned: a custom bot can mention only by Lark user ID ({@code <at id=ou_...>}), which
 * routing does not know, not by mobile number.
 *
 * <p>Routing-file fields: {@code urlEnv}/{@code urlFile} (the hook URL, whose last segment is the token),
 * {@code secretEnv}/{@code secretFile} (optional), {@code timeout}.
 */
public final class LarkChannel extends HttpChannel {

  static final String TYPE = "lark";

  /** code 11232: frequency limited. */
  private static final int THROTTLED = 11232;

  private final Optional<String> secret;
  private final Clock clock;

  LarkChannel(String name, WebhookUrl url, Optional<String> secret, Duration timeout, Clock clock) {
    super(name, TYPE, url, "lark bot", timeout);
    this.secret = secret;
    this.clock = clock;
  }

  public static LarkChannel fromConfig(ChannelConfig config) {
    return new LarkChannel(config.name(), WebhookUrl.fromSecret(config, "url"), config.secret("secret"),
        ChannelOptions.timeout(config), Clock.systemUTC());
  }

  @Override
  public String send(Recipient recipient, Message message) throws DeliveryException {
    Map<String, Object> body = new LinkedHashMap<>();
    String sign = null;
    if (secret.isPresent()) {
      long timestamp = clock.instant().getEpochSecond();
      sign = sign(timestamp, secret.get());
      body.put("timestamp", Long.toString(timestamp));
      body.put("sign", sign);
    }
    body.put("msg_type", "interactive");
    body.put("card", card(message));

    HttpJson.Answer answer = http.post(url, url.uri(), HttpJson.JSON_UTF8, HttpJson.toJson(body), Map.of());
    Optional<JsonNode> reply = answer.json();
    // The current answer has "code"; older bots answer {"StatusCode":0,"StatusMessage":"success"}.
    Optional<JsonNode> code = reply.map(r -> r.has("code") ? r.get("code") : r.get("StatusCode"))
        .filter(JsonNode::canConvertToInt);
    if (code.isEmpty()) {
      throw http.failure(url, "HTTP " + answer.status() + " without a code",
          HttpJson.retryableStatus(answer.status()));
    }
    int value = code.get().asInt();
    if (value == 0 && answer.ok()) {
      return "code 0";
    }
    String msg = reply.map(r -> r.has("msg") ? r.path("msg").asText("") : r.path("StatusMessage").asText(""))
        .orElse("");
    throw http.failure(url, "HTTP " + answer.status() + ", code " + value + " ("
            + url.scrub(HttpJson.brief(msg, 200), secret.orElse(null), sign) + ")",
        value == THROTTLED || HttpJson.retryableStatus(answer.status()));
  }

  private static Map<String, Object> card(Message message) {
    Map<String, Object> title = new LinkedHashMap<>();
    title.put("tag", "plain_text");
    title.put("content", message.title());
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("title", title);
    header.put("template", template(message.status()));
    Map<String, Object> markdown = new LinkedHashMap<>();
    markdown.put("tag", "markdown");
    markdown.put("content", larkMarkdown(message.markdown()));
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("config", Map.of("wide_screen_mode", true));
    card.put("header", header);
    card.put("elements", List.of(markdown));
    return card;
  }

  private static String template(String status) {
    if ("ROTATED".equals(status) || "NEUTRALIZED".equals(status)) {
      return "green";
    }
    return "FAILED".equals(status) ? "red" : "orange";
  }

  /** The card's markdown element has no headings: a heading line becomes a bold line. */
  static String larkMarkdown(String markdown) {
    return markdown.replaceAll("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$", "**$1**");
  }

  /** base64(HmacSHA256(key = timestamp + "\n" + secret, data = empty)). */
  static String sign(long timestampSeconds, String secret) {
    byte[] key = (timestampSeconds + "\n" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return Base64.getEncoder().encodeToString(Signing.hmacSha256(key, new byte[0]));
  }
}
