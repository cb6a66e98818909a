package io.leakguard.notifier.channel;

/**
 * One configured way of reaching people (an instance from the routing file's {@code channels}): e-mail, a DingTalk,
 * Lark/Feishu, WeCom or Slack robot, a signed webhook, or the service log. Channels are called from the notifier's
 * delivery workers, never from a stream thread, and may block up to their own timeout.
 */
public interface Channel {

  /** The instance's name in the routing file. */
  String name();

  /** The type word: {@code email}, {@code dingtalk}, {@code lark}, {@code wecom}, {@code slack}, {@code webhook}, {@code log}. */
  String type();

  /**
   * Where a message to {@code recipient} goes, safe to record in {@code notification.outcomes}: an e-mail address, or
   * a host and a fixed label ({@code oapi.dingtalk.com (dingtalk robot)}), never a path or query token.
   */
  String describe(Recipient recipient);

  /**
   * Sends one message and returns the receiver's answer in a few words (e.g. {@code HTTP 200}, {@code errcode 0},
   * {@code 250 OK}), without any secret.
   */
  String send(Recipient recipient, Message message) throws DeliveryException;
}
