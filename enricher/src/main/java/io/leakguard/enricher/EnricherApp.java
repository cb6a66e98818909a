package io.leakguard.enricher;

import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudOptions;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.Topology;

/** The enricher service: {@code leakguard run enricher}. */
public final class EnricherApp implements ServiceDefinition {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EnricherApp.class);

  public static final String NAME = "enricher";

  public static final Option<Duration> ACTIVITY_TIMEOUT = Option.duration("enrich.activity.timeout", "500ms",
      "longest wait for ActionTrail before a leak is handed on without activity (marked partial); off the stream "
          + "thread, so it delays only that leak");
  public static final Option<Duration> LOOKBACK = Option.duration("enrich.activity.lookback", "168h",
      "how far before the leak ActionTrail is read to learn the key's usual addresses");
  public static final Option<Duration> PERSISTENCE_LOOKBACK = Option.duration("enrich.persistence.lookback", "1h",
      "how long before a leak's first sighting a write of the leaked key counts as the attacker's (an exposure comes "
          + "before its sighting): what the persistence sweep reverts");
  public static final Option<Duration> INVENTORY_INTERVAL = Option.duration("inventory.refresh.interval", "15m",
      "how often every account's users and keys are listed into the inventory topic");

  public static final Option<Duration> WALK_MIN_INTERVAL = Option.duration("enrich.owner.walk.min.interval", "10s",
      "shortest time between two walks of the fleet for keys the inventory does not know; every lookup in between "
          + "shares one walk, so unknown or fake keys cost at most one walk per interval");
  public static final Option<Integer> WORKERS = Option.integer("enrich.workers", 64, 1, 1024,
      "worker threads of the enricher's cloud calls (they wait on RAM and ActionTrail, not on the CPU)");
  public static final Option<Integer> WORKERS_PER_ACCOUNT = Option.integer("enrich.workers.per.account", 8, 1, 1024,
      "enrichments of one account at once, so a slow or throttled account never delays another account's leaks");

  public static void main(String[] args) {
    ServiceMain.run(new EnricherApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-enricher";
  }

  @Override
  public List<Option<?>> options() {
    List<Option<?>> options = new ArrayList<>(CloudOptions.ALL);
    options.addAll(List.of(ACTIVITY_TIMEOUT, LOOKBACK, PERSISTENCE_LOOKBACK, INVENTORY_INTERVAL, WALK_MIN_INTERVAL, WORKERS,
        WORKERS_PER_ACCOUNT));
    return options;
  }

  /**
   * Asks who the enricher is, once, at start, and asks ActionTrail about a key that exists nowhere: it proves the
   * credential chain before the first leak and loads the SDK's request paths, so the first enrichment is not slowed
   * by class loading. A failure is logged, not fatal.
   */
  private static void warmUp(CloudFleet fleet) {
    try {
      LOG.info("enriching as a principal of account {}; fleet accounts {}", fleet.homeAccountId(), fleet.accountIds());
      // The first ActionTrail call of a JVM loads its SDK classes (most of a second): pay it here, not on a leak.
      long started = System.nanoTime();
      java.time.Instant now = java.time.Instant.now();
      fleet.home().actionTrail().eventsOfAccessKey(io.leakguard.cloud.RandomCredentials.accessKeyId(),
          now.minusSeconds(60), now, 1);
      LOG.info("ActionTrail answered in {} ms", (System.nanoTime() - started) / 1_000_000);
    } catch (io.leakguard.cloud.CloudException e) {
      LOG.warn("cannot tell who the enricher is yet ({}: {}); will retry on the first leak", e.code(), e.errorClass());
    }
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    CloudFleet fleet = resources.register(
        CloudFleet.fromDefaultChain(CloudOptions.settings(settings), CloudOptions.fleet(settings),
            resources.metrics().registry()));
    warmUp(fleet);
    OwnerDirectory directory = resources.register(new OwnerDirectory(fleet, settings.get(WALK_MIN_INTERVAL),
        Clock.systemUTC()));
    resources.register(InventoryRefresher.start(directory, settings.kafka(), topics.inventory(),
        settings.get(INVENTORY_INTERVAL)));
    FleetEnrichment enrichment = resources.register(new FleetEnrichment(fleet, directory,
        settings.get(ACTIVITY_TIMEOUT), settings.get(LOOKBACK), settings.get(PERSISTENCE_LOOKBACK), Clock.systemUTC(),
        settings.get(WORKERS),
        settings.get(WORKERS_PER_ACCOUNT)));
    return EnricherTopology.build(topics, enrichment, resources.metrics());
  }
}
