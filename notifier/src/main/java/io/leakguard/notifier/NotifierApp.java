package io.leakguard.notifier;

import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.notifier.channel.Channel;
import io.leakguard.notifier.channel.ChannelConfig;
import io.leakguard.notifier.channel.ChannelFactory;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.RuntimeOptions;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.schemas.TopicCatalog;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.Topology;

/** The notifier service: {@code leakguard run notifier}. */
public final class NotifierApp implements ServiceDefinition {

  public static final String NAME = "notifier";
  /** The signing secret of the {@code notify.webhook.url} shorthand: from the environment only, never a flag. */
  public static final String WEBHOOK_SECRET_ENV = "LEAKGUARD_NOTIFY_WEBHOOK_SECRET";

  public static final Option<Optional<Path>> ROUTING_FILE = new Option<>("notify.routing.file", "",
      "the routing file (JSON: channels, owner channel, security team, accounts' contacts, rules; README "
          + "\"Notification routing\"); empty: the security team is told in the log (and the webhook below)",
      value -> value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim())));
  public static final Option<Optional<URI>> WEBHOOK_URL = new Option<>("notify.webhook.url", "",
      "shorthand without a routing file: a signed generic webhook for the security team, signed with the secret in "
          + WEBHOOK_SECRET_ENV + "; empty: none", value -> {
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
      "how long one delivery of the notify.webhook.url shorthand may take");
  public static final Option<Integer> ATTEMPTS = Option.integer("notify.delivery.attempts", 6, 1, 100,
      "how many times one message is tried (retryable failures only) before it fails and the fallback is told");
  public static final Option<Duration> BACKOFF = Option.duration("notify.delivery.backoff", "1s",
      "the first wait after a retryable failure; doubled at each attempt (at most 5 min), with jitter");
  public static final Option<Integer> WORKERS = Option.integer("notify.delivery.workers", 8, 1, 256,
      "delivery worker threads (channel calls never run on a stream thread)");
  public static final Option<Integer> DIGEST_THRESHOLD = Option.integer("notify.digest.threshold", 50, 0, 1_000_000,
      "more incidents than this in a minute is a storm: the security team gets one digest per interval instead of "
          + "one message each (owners are still told one by one); 0: never");
  public static final Option<Duration> DIGEST_INTERVAL = Option.duration("notify.digest.interval", "1m",
      "how often the security team gets a digest during a storm");
  public static final Option<Boolean> SENT_LOG_FSYNC = Option.bool("notify.sent.log.fsync", false,
      "flush the sent log to disk after each message, so a power loss cannot cause a resend (a crash of the process "
          + "never does)");

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
    return List.of(ROUTING_FILE, WEBHOOK_URL, WEBHOOK_TIMEOUT, ATTEMPTS, BACKOFF, WORKERS, DIGEST_THRESHOLD,
        DIGEST_INTERVAL, SENT_LOG_FSYNC);
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    Routing routing = routing(settings, System.getenv());
    Path stateDir = Path.of(settings.get(RuntimeOptions.STATE_DIR));
    SentLog sent = resources.register(new SentLog(stateDir.resolve("notifier-sent.log"), Duration.ofDays(8),
        settings.get(SENT_LOG_FSYNC), Clock.systemUTC()));
    Deliverer deliverer = resources.register(new Deliverer(routing.channels(), sent, settings.get(ATTEMPTS),
        settings.get(BACKOFF), settings.get(WORKERS)));
    return NotifierTopology.build(topics, routing, deliverer, new StormMeter(settings.get(DIGEST_THRESHOLD)),
        new NotifierTopology.Pacing(settings.get(DIGEST_INTERVAL), NotifierTopology.Pacing.DEFAULTS.drainInterval(),
            NotifierTopology.Pacing.DEFAULTS.retention()), resources.metrics());
  }

  static Routing routing(Settings settings, Map<String, String> env) {
    Optional<Path> file = settings.get(ROUTING_FILE);
    Optional<URI> webhook = settings.get(WEBHOOK_URL);
    if (file.isPresent() && webhook.isPresent()) {
      throw new IllegalArgumentException("notify.routing.file and notify.webhook.url: give one; in a routing file, "
          + "the webhook is a channel of type webhook");
    }
    if (file.isPresent()) {
      return Routing.load(file.get(), env);
    }
    if (webhook.isEmpty()) {
      return Routing.defaults(List.of());
    }
    if (env.get(WEBHOOK_SECRET_ENV) == null || env.get(WEBHOOK_SECRET_ENV).isBlank()) {
      throw new IllegalArgumentException("notify.webhook.url: the webhook is signed; set " + WEBHOOK_SECRET_ENV
          + " to its signing secret");
    }
    Channel channel = ChannelFactory.create(new ChannelConfig("webhook", Map.of("type", "webhook",
        "url", webhook.get().toString(), "secretEnv", WEBHOOK_SECRET_ENV,
        "timeout", settings.get(WEBHOOK_TIMEOUT).toMillis() + "ms"), env), "webhook");
    return Routing.defaults(List.of(channel));
  }
}
