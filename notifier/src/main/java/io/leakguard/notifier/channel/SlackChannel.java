package io.leakguard.notifier.channel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Slack incoming webhook: one Block Kit message per notification, a {@code header} block with the title, the
 * markdown (converted to mrkdwn by {@link SlackMrkdwn}) in {@code section} blocks, and a {@code context} block naming
 * the incident; the top-level {@code text} is the notification's fallback.
 *
 * <p>Follows https://api.slack.com/messaging/webhooks (now https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks),
 * the block reference https://api.slack.com/reference/block-kit/blocks (header text at most 150 characters, section
 * text at most 3000, at most 50 blocks) and the webhook errors of
 * https://api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks: HTTP 200 with body {@code ok} is
 * success; 400 {@code invalid_payload}, 403 {@code action_prohibited}/{@code invalid_token}, 404
 * {@code channel_not_found}/{@code no_service}, 410 {@code channel_is_archived} will not get better; 429 (about one
 * message a second per webhook, https://api.slack.com/docs/rate-limits, with {@code Retry-After} in seconds) and 5xx
 * ({@code rollup_error}) may.
 *
 * <p>No one is {@code @}-mentioned: Slack mentions need a Slack user ID ({@code <@U123>}), not a mobile number.
 *
 * <p>Routing-file fields: {@code urlEnv}/{@code urlFile} (the webhook URL, whose path is the token), {@code timeout}.
 */
public final class SlackChannel extends HttpChannel {

  static final String TYPE = "slack";

  static final int HEADER_MAX = 150;
  static final int SECTION_MAX = 3000;
  /** Room for the header, the context and this many sections within Slack's 50 blocks. */
  private static final int SECTIONS_MAX = 48;

  SlackChannel(String name, WebhookUrl url, Duration timeout) {
    super(name, TYPE, url, "slack webhook", timeout);
  }

  public static SlackChannel fromConfig(ChannelConfig config) {
    return new SlackChannel(config.name(), WebhookUrl.fromSecret(config, "url"), ChannelOptions.timeout(config));
  }

  @Override
  public String send(Recipient recipient, Message message) throws DeliveryException {
    List<Object> blocks = new ArrayList<>();
    blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text",
        "text", ChannelOptions.truncateChars(message.title(), HEADER_MAX))));
    for (String part : sections(SlackMrkdwn.convert(message.markdown()))) {
      blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", part)));
    }
    String context = "Incident `" + message.incidentId() + "`"
        + (message.status() == null ? "" : " · " + message.status());
    blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text", context))));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("text", message.title());
    body.put("blocks", blocks);

    HttpJson.Answer answer = http.post(url, url.uri(), HttpJson.JSON_UTF8, HttpJson.toJson(body), Map.of());
    String reply = url.scrub(HttpJson.brief(answer.body(), 100));
    if (answer.status() == 200 && "ok".equals(answer.body().trim())) {
      return "HTTP 200 ok";
    }
    if (answer.status() == 429) {
      String retryAfter = answer.retryAfter().map(value -> "; Retry-After " + HttpJson.brief(value, 20) + "s")
          .orElse("");
      throw http.failure(url, "HTTP 429 (rate limited" + retryAfter + ")", true);
    }
    throw http.failure(url, "HTTP " + answer.status() + (reply.isEmpty() ? "" : " " + reply),
        HttpJson.retryableStatus(answer.status()));
  }

  /**
   * The text in pieces of at most {@value #SECTION_MAX} characters, cut at line ends where possible; past
   * {@value #SECTIONS_MAX} pieces (144,000 characters, far beyond any notice) the rest is dropped.
   */
  static List<String> sections(String text) {
    List<String> parts = new ArrayList<>();
    String rest = text.strip();
    while (!rest.isEmpty() && parts.size() < SECTIONS_MAX) {
      if (rest.length() <= SECTION_MAX) {
        parts.add(rest);
        break;
      }
      int cut = rest.lastIndexOf('\n', SECTION_MAX);
      if (cut <= 0) {
        cut = Character.isHighSurrogate(rest.charAt(SECTION_MAX - 1)) ? SECTION_MAX - 1 : SECTION_MAX;
      }
      parts.add(rest.substring(0, cut).strip());
      rest = rest.substring(cut).strip();
    }
    return parts;
  }
}
