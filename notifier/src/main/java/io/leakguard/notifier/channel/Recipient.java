package io.leakguard.notifier.channel;

import java.util.Objects;

/**
 * Who one message is for, as routing resolved it.
 *
 * @param channel  the name of the channel instance in the routing file (e.g. {@code mail}, {@code soc-dingtalk})
 * @param role     why this recipient: {@code owner}, {@code account-contacts} or {@code security-team}
 * @param email    the e-mail address for an e-mail channel; null for a group channel (a robot, a webhook)
 * @param mobile   the owner's mobile number, for channels that can mention a person ({@code at} in DingTalk);
 *                 may be null
 * @param language {@code en} or {@code zh-CN}
 */
public record Recipient(String channel, String role, String email, String mobile, String language) {

  public static final String OWNER = "owner";
  public static final String ACCOUNT_CONTACTS = "account-contacts";
  public static final String SECURITY_TEAM = "security-team";

  public Recipient {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(language, "language");
  }

  /** The identity of this recipient for exactly-once delivery: the channel and the address (or the group). */
  public String key() {
    return channel + ":" + (email == null ? "group" : email.toLowerCase(java.util.Locale.ROOT));
  }
}
