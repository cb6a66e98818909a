package io.leakguard.notifier.channel;

import java.time.Duration;

/**
 * What the robot and webhook channels share: their name and type word, the URL (a credential: only its host is
 * ever shown, see {@link WebhookUrl}) and the {@link HttpJson} side that POSTs to it. A subclass builds its vendor's
 * body, signs it if the vendor wants that, and reads its vendor's answer.
 */
abstract class HttpChannel implements Channel {

  private final String name;
  private final String type;
  final WebhookUrl url;
  final HttpJson http;

  /**
   * @param label   the fixed label in messages and recipients, e.g. {@code dingtalk robot}
   * @param timeout time limit of connecting and of the whole exchange
   */
  HttpChannel(String name, String type, WebhookUrl url, String label, Duration timeout) {
    this.name = name;
    this.type = type;
    this.url = url;
    this.http = new HttpJson(label, timeout);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final String type() {
    return type;
  }

  /** The host and the label, e.g. {@code oapi.dingtalk.com (dingtalk robot)}, whoever the recipient is. */
  @Override
  public final String describe(Recipient recipient) {
    return http.describe(url);
  }
}
