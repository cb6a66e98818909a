package io.leakguard.notifier.channel;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A DingTalk custom robot (钉钉自定义机器人): one {@code markdown} message per notification into the robot's group,
 * the owner {@code @}-mentioned by mobile number when it is known.
 *
 * <p>Follows DingTalk's documentation:
 * <ul>
 *   <li>sending, message types and the limit of 20 messages a minute per robot:
 *       https://help.dingtalk.io/open/development/custom-robots-send-group-messages
 *       (Chinese: https://open.dingtalk.com/document/orgapp/custom-bot-send-message-type)</li>
 *   <li>signing ("加签"): {@code timestamp} in milliseconds and
 *       {@code sign = urlEncode(base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)))}, both appended to
 *       the robot URL's query: https://help.dingtalk.io/open/dingstart/customize-robot-security-settings
 *       (Chinese: https://open.dingtalk.com/document/orgapp/customize-robot-security-settings)</li>
 * </ul>
 * A mention needs both the number in {@code at.atMobiles} and {@code @number} in the markdown text (the documented
 * markdown example writes the number into {@code text}); with the list alone DingTalk shows no mention.
 *
 * <p>Routing-file fields: {@code urlEnv}/{@code urlFile} (the robot URL with its {@code access_token}),
 * {@code secretEnv}/{@code secretFile} (optional: a robot may use keywords or an IP list instead of signing),
 * {@code timeout}.
 */
public final class DingTalkChannel extends HttpChannel {

  static final String TYPE = "dingtalk";

  /** errcodes meaning "too many messages now": 410100 发送速度太快而限流, 130101 send too fast (20 a minute). */
  private static final Set<Integer> THROTTLED = Set.of(410100, 130101);
  /** errcode -1: 系统繁忙 (system busy), worth another try. */
  private static final int BUSY = -1;

  private final Optional<String> secret;
  private final Clock clock;

  DingTalkChannel(String name, WebhookUrl url, Optional<String> secret, Duration timeout, Clock clock) {
    super(name, TYPE, url, "dingtalk robot", timeout);
    this.secret = secret;
    this.clock = clock;
  }

  public static DingTalkChannel fromConfig(ChannelConfig config) {
    return new DingTalkChannel(config.name(), WebhookUrl.fromSecret(config, "url"), config.secret("secret"),
        ChannelOptions.timeout(config), Clock.systemUTC());
  }

  @Override
  public String send(Recipient recipient, Message message) throws DeliveryException {
    String text = message.markdown();
    List<String> mobiles = List.of();
    if (recipient.mobile() != null && !recipient.mobile().isBlank()) {
      String mobile = recipient.mobile().trim();
      mobiles = List.of(mobile);
      if (!text.contains("@" + mobile)) {
        text = text + "\n\n@" + mobile;
      }
    }
    Map<String, Object> markdown = new LinkedHashMap<>();
    markdown.put("title", message.title());
    markdown.put("text", text);
    Map<String, Object> at = new LinkedHashMap<>();
    at.put("atMobiles", mobiles);
    at.put("isAtAll", false);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("msgtype", "markdown");
    body.put("markdown", markdown);
    body.put("at", at);

    String sign = null;
    URI target = url.uri();
    if (secret.isPresent()) {
      long timestamp = clock.millis();
      sign = sign(timestamp, secret.get());
      target = url.withQuery("timestamp=" + timestamp + "&sign=" + URLEncoder.encode(sign, StandardCharsets.UTF_8));
    }
    HttpJson.Answer answer = http.post(url, target, HttpJson.JSON_UTF8, HttpJson.toJson(body), Map.of());
    return http.errcodeResult(url, answer, errcode -> THROTTLED.contains(errcode) || errcode == BUSY,
        secret.orElse(null), sign, sign == null ? null : URLEncoder.encode(sign, StandardCharsets.UTF_8));
  }

  /** base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)), before URL encoding. */
  static String sign(long timestampMillis, String secret) {
    return Base64.getEncoder().encodeToString(Signing.hmacSha256(secret, timestampMillis + "\n" + secret));
  }
}
