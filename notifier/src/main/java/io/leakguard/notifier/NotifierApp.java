package io.leakguard.notifier;

import io.leakguard.runtime.Resources;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.Topology;

/** The notifier service: {@code leakguard run notifier}. */
public final class NotifierApp implements ServiceDefinition {

  public static final String NAME = "notifier";

  public static final Option<Optional<URI>> WEBHOOK_URL = new Option<>("notify.webhook.url", "",
      "generic webhook that receives every outcome as a JSON POST; empty: no webhook", value -> {
        if (value.isBlank()) {
          return Optional.empty();
        }
        URI uri = URI.create(value.trim());
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
          throw new IllegalArgumentException("'" + value + "' is not an http(s) URL");
        }
        return Optional.of(uri);
      });
  public static final Option<Duration> WEBHOOK_TIMEOUT = Option.duration("notify.webhook.timeout", "5s",
      "how long one webhook delivery may take");

  public static void main(String[] args) {
    ServiceMain.run(new NotifierApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-notifier";
  }

  @Override
  public List<Option<?>> options() {
    return List.of(WEBHOOK_URL, WEBHOOK_TIMEOUT);
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    List<Channel> channels = new ArrayList<>();
    channels.add(new LogChannel());
    settings.get(WEBHOOK_URL).ifPresent(url -> channels.add(new WebhookChannel(url, settings.get(WEBHOOK_TIMEOUT))));
    return NotifierTopology.build(topics, new Notifier(channels, Clock.systemUTC()));
  }
}
