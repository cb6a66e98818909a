package io.leakguard.notifier.channel;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Builds a channel instance from its routing-file entry, by its {@code type}. */
public final class ChannelFactory {

  /** Every channel type, by its word in the routing file. */
  private static final Map<String, Function<ChannelConfig, Channel>> TYPES = new TreeMap<>(Map.of(
      "log", LogChannel::fromConfig,
      DingTalkChannel.TYPE, DingTalkChannel::fromConfig,
      LarkChannel.TYPE, LarkChannel::fromConfig,
      WeComChannel.TYPE, WeComChannel::fromConfig,
      SlackChannel.TYPE, SlackChannel::fromConfig,
      SignedWebhookChannel.TYPE, SignedWebhookChannel::fromConfig,
      "email", EmailChannel::fromConfig));

  private ChannelFactory() {}

  public static Channel create(ChannelConfig config, String type) {
    Function<ChannelConfig, Channel> factory = TYPES.get(type);
    if (factory == null) {
      throw new IllegalArgumentException(config.path("type") + ": unknown channel type '" + type + "'; known: "
          + TYPES.keySet());
    }
    Channel channel = factory.apply(config);
    config.rejectUnknownFields();
    return channel;
  }
}
