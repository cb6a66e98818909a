package io.leakguard.notifier.channel;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes one line per message to the service log ({@code leakguard.notifications}), for a log pipeline. */
public final class LogChannel implements Channel {

  private static final Logger LOG = LoggerFactory.getLogger("leakguard.notifications");

  private final String name;

  public LogChannel(String name) {
    this.name = name;
  }

  public static LogChannel fromConfig(ChannelConfig config) {
    return new LogChannel(config.name());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String type() {
    return "log";
  }

  @Override
  public String describe(Recipient recipient) {
    return "log (" + recipient.role() + ")";
  }

  @Override
  public String send(Recipient recipient, Message message) {
    String line = message.text().replace('\n', ' ');
    if ("ROTATED".equals(message.status()) || "NEUTRALIZED".equals(message.status())) {
      LOG.info("[{}] {}", message.incidentId(), line);
    } else {
      LOG.warn("[{}] {}", message.incidentId(), line);
    }
    return "logged";
  }
}
