package io.leakguard.bridge.securitycenter;

import io.leakguard.bridge.Feeder;
import io.leakguard.bridge.SourceCloser;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudOptions;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.runtime.Resources;
import io.leakguard.schemas.TopicCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bridge's Security Center parts and their options: the {@link SecurityCenterPoller} feeder and the
 * {@link SecurityCenterCloser}, both acting in every account of the fleet ({@code cloud.fleet}) with one
 * {@link CloudFleet}. Off unless {@code bridge.sas.enabled=true}.
 */
public final class SecurityCenterBridge {

  public static final Option<Boolean> ENABLED = Option.bool("bridge.sas.enabled", false,
      "poll Security Center's AccessKey-leak records of every fleet account and mark them handled once remediated");
  public static final Option<Duration> POLL_INTERVAL = Option.duration("bridge.sas.poll.interval", "60s",
      "how often Security Center's pending AccessKey-leak records are read");
  public static final Option<Integer> PAGE_SIZE = Option.integer("bridge.sas.page.size", 100, 1, 100,
      "records per DescribeAccesskeyLeakList page");
  /** The producer's transactional ID: stable, so a restarted poller fences the one it replaces. */
  static final String TRANSACTIONAL_ID = "leakguard-bridge-security-center";

  /** The Security Center options and the cloud options they need. */
  public static final List<Option<?>> OPTIONS = options();

  private final List<Feeder> feeders;
  private final List<SourceCloser> closers;

  private SecurityCenterBridge(List<Feeder> feeders, List<SourceCloser> closers) {
    this.feeders = List.copyOf(feeders);
    this.closers = List.copyOf(closers);
  }

  /** The parts the settings ask for (none when disabled); clients opened are handed to {@code resources}. */
  public static SecurityCenterBridge of(Settings settings, TopicCatalog topics, Resources resources) {
    if (!settings.get(ENABLED)) {
      return new SecurityCenterBridge(List.of(), List.of());
    }
    CloudFleet fleet = resources.register(
        CloudFleet.fromDefaultChain(CloudOptions.settings(settings), CloudOptions.fleet(settings),
            resources.metrics().registry()));
    SasAccounts accounts = SasAccounts.of(fleet);
    return new SecurityCenterBridge(
        List.of(new SecurityCenterPoller(accounts, topics, settings.kafka(), settings.get(POLL_INTERVAL),
            settings.get(PAGE_SIZE), TRANSACTIONAL_ID)),
        List.of(new SecurityCenterCloser(accounts)));
  }

  public List<Feeder> feeders() {
    return feeders;
  }

  public List<SourceCloser> closers() {
    return closers;
  }

  private static List<Option<?>> options() {
    List<Option<?>> options = new ArrayList<>(List.of(ENABLED, POLL_INTERVAL, PAGE_SIZE));
    options.addAll(CloudOptions.ALL);
    return List.copyOf(options);
  }
}
