package io.leakguard.notifier.channel;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A WeCom (企业微信) group robot.
 *
 * <p>Follows https://developer.work.weixin.qq.com/document/path/91770 (群机器人配置说明): a {@code markdown} message
 * ({@code content} at most 4096 bytes of UTF-8, in the documented subset: headings, bold, links, inline code, quotes,
 * three font colours) or a {@code text} message ({@code content} at most 2048 bytes). A member can be mentioned by
 * mobile number only in a text message ({@code text.mentioned_mobile_list}); markdown mentions need a WeCom user
 * ID ({@code <@userid>}), which routing does not know. So a message for a recipient with a known mobile is sent as
 * one text message with the number in {@code mentioned_mobile_list} (one request: a retry never doubles half a
 * notification); any other as markdown. {@code errcode} 0 is success, 45009 the robot's rate limit (20 messages a
 * minute) and -1 "system busy", both worth a retry; other codes (93000 bad webhook key, 40008, 44004, ...) are not.
 *
 * <p>Routing-file fields: {@code urlEnv}/{@code urlFile} (the webhook URL with its {@code key}), {@code timeout}.
 */
public final class WeComChannel extends HttpChannel {

  static final String TYPE = "wecom";

  static final int MARKDOWN_MAX_BYTES = 4096;
  static final int TEXT_MAX_BYTES = 2048;
  private static final int THROTTLED = 45009;
  private static final int BUSY = -1;

  WeComChannel(String name, WebhookUrl url, Duration timeout) {
    super(name, TYPE, url, "wecom robot", timeout);
  }

  public static WeComChannel fromConfig(ChannelConfig config) {
    return new WeComChannel(config.name(), WebhookUrl.fromSecret(config, "url"), ChannelOptions.timeout(config));
  }

  @Override
  public String send(Recipient recipient, Message message) throws DeliveryException {
    Map<String, Object> body = new LinkedHashMap<>();
    if (recipient.mobile() != null && !recipient.mobile().isBlank()) {
      Map<String, Object> text = new LinkedHashMap<>();
      text.put("content", ChannelOptions.truncateUtf8(message.title() + "\n" + message.text(), TEXT_MAX_BYTES));
      text.put("mentioned_mobile_list", List.of(recipient.mobile().trim()));
      body.put("msgtype", "text");
      body.put("text", text);
    } else {
      body.put("msgtype", "markdown");
      body.put("markdown", Map.of("content", ChannelOptions.truncateUtf8(message.markdown(), MARKDOWN_MAX_BYTES)));
    }
    HttpJson.Answer answer = http.post(url, url.uri(), HttpJson.JSON_UTF8, HttpJson.toJson(body), Map.of());
    return http.errcodeResult(url, answer, errcode -> errcode == THROTTLED || errcode == BUSY);
  }
}
