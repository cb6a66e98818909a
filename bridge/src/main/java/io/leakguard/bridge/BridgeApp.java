package io.leakguard.bridge;

import io.leakguard.bridge.github.GithubAlertCloser;
import io.leakguard.bridge.github.GithubOptions;
import io.leakguard.bridge.github.GithubWebhookReceiver;
import io.leakguard.bridge.securitycenter.SecurityCenterBridge;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.runtime.StoreSerdes;
import io.leakguard.schemas.RemediationOutcome;
import io.leakguard.schemas.Topic;
import io.leakguard.schemas.TopicCatalog;
import io.leakguard.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The bridge service, {@code leakguard run bridge}: the edge between LeakGuard and the systems that report leaks.
 *
 * <ul>
 *   <li>Feeders write alerts into the edge topics: the GitHub {@code secret_scanning_alert} webhook receiver
 *       ({@code alerts.github}) and the Security Center poller ({@code alerts.security-center}).</li>
 *   <li>Input: {@code <prefix>remediation.outcomes}: when an incident from such an alert ends ROTATED or NEUTRALIZED,
 *       its {@link SourceCloser} closes the alert at the source, from workers, retried with back-off.</li>
 *   <li>State: {@value #PENDING_STORE}, closures not done yet, changelogged.</li>
 * </ul>
 */
public final class BridgeApp implements ServiceDefinition {

  public static final String NAME = "bridge";
  public static final String PENDING_STORE = "pending-closures";

  public static final Option<Integer> CLOSE_MAX_ATTEMPTS = Option.integer("bridge.close.max.attempts", 8, 1, 100,
      "how many times closing one alert at its source is tried before it is given up (logged as an error)");
  public static final Option<Duration> CLOSE_BACKOFF = Option.duration("bridge.close.backoff", "1s",
      "the first wait after a failed closing attempt; doubled at each attempt, with jitter");

  public static void main(String[] args) {
    ServiceMain.run(new BridgeApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-bridge";
  }

  @Override
  public List<Option<?>> options() {
    List<Option<?>> options = new ArrayList<>(List.of(CLOSE_MAX_ATTEMPTS, CLOSE_BACKOFF));
    options.addAll(GithubOptions.ALL);
    options.addAll(SecurityCenterBridge.OPTIONS);
    return options;
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) throws Exception {
    List<SourceCloser> closers = new ArrayList<>();
    List<Feeder> feeders = new ArrayList<>();
    GithubAlertCloser.fromSettings(settings, System.getenv()).ifPresent(closers::add);
    GithubWebhookReceiver.fromSettings(settings, System.getenv(), topics).ifPresent(feeders::add);
    SecurityCenterBridge securityCenter = SecurityCenterBridge.of(settings, topics, resources);
    closers.addAll(securityCenter.closers());
    feeders.addAll(securityCenter.feeders());
    ScheduledExecutorService workers = Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "bridge-closer");
      t.setDaemon(true);
      return t;
    });
    resources.register(() -> workers.shutdownNow());
    for (Feeder feeder : feeders) {
      resources.register(feeder);
      feeder.start();
    }
    return topology(topics, closers, workers, settings.get(CLOSE_MAX_ATTEMPTS), settings.get(CLOSE_BACKOFF));
  }

  static Topology topology(TopicCatalog topics, List<SourceCloser> closers, ScheduledExecutorService workers,
      int maxAttempts, Duration backoff) {
    StreamsBuilder builder = new StreamsBuilder();
    Topic<String, RemediationOutcome> outcomes = topics.remediationOutcomes();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PENDING_STORE),
        Serdes.String(), StoreSerdes.tolerant(AvroSerde.of(RemediationOutcome.class), PENDING_STORE)));
    builder.stream(outcomes.name(), Consumed.with(outcomes.keySerde(), outcomes.valueSerde())
            .withName("remediation-outcomes-source"))
        .process(() -> new ClosingProcessor(PENDING_STORE, closers, workers, maxAttempts, backoff),
            Named.as("close-at-source"), PENDING_STORE);
    return builder.build();
  }
}
