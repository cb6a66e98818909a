package io.leakguard.remediator;

import io.leakguard.cloud.CloudException;
import io.leakguard.cloud.CloudFleet;
import io.leakguard.cloud.CloudOptions;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.config.ConfigException;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remediator service: {@code leakguard run remediator}.
 *
 * <p>Streams settings are the runtime's (exactly-once, commit every 25 ms, poll every 10 ms): the cloud work runs on
 * workers as soon as a leak is read, so the leaked key's deletion does not wait for this service's commits; only the
 * outcome record's visibility and the journal's durability do. The deletion latency depends on the hops before.
 */
public final class RemediatorApp implements ServiceDefinition {

  private static final Logger LOG = LoggerFactory.getLogger(RemediatorApp.class);
  public static final String NAME = "remediator";

  public static final Option<String> SECRET_NAME_TEMPLATE = new Option<>("kms.secret.name.template",
      "leakguard/{accountId}/{userName}", "name of the KMS secret holding a user's AccessKey",
      template -> {
        if (!template.contains("{userName}")) {
          throw new IllegalArgumentException("'" + template + "' must contain {userName}: one secret per RAM user");
        }
        return template;
      });
  public static final Option<String> POLICY_FILE = Option.string("remediation.policy.file", "",
      "JSON remediation policy (modes and strategies per account, user, role); empty: auto, replace-first, "
          + "fallback revoke-first, no containment, STS purge");
  public static final Option<Duration> APPROVAL_TIMEOUT = Option.duration("remediation.approval.timeout", "30m",
      "how long an incident in approve mode waits for a decision before it is escalated");
  public static final Option<Integer> WORKERS = Option.integer("remediation.workers", 32, 1, 1024,
      "worker threads doing cloud work (cloud calls wait on the network, not the CPU)");
  public static final Option<Integer> WORKERS_PER_ACCOUNT = Option.integer("remediation.workers.per.account", 8, 1,
      1024, "incidents of one account that run at once, so one slow or throttled account cannot take every worker");
  public static final Option<Integer> ROUNDS = Option.integer("remediation.max.rounds", 4, 1, 100,
      "runs of one incident on retryable errors (each after the SDK's own retries, reconciling first)");
  public static final Option<Duration> RETRY_BASE = Option.duration("remediation.retry.base", "500ms",
      "back-off before a new round, doubled per round, with full jitter");
  public static final Option<Duration> DRAIN_INTERVAL = Option.duration("remediation.drain.interval", "10ms",
      "how often the stream thread journals the workers' progress and emits outcomes (when idle, no more often than "
          + "Streams' poll.ms, 100 ms by default; the deletion itself never waits for it)");

  public static final Option<List<Duration>> RETRY_SCHEDULE = Option.durations("remediation.retry.schedule",
      "1m,5m,15m,1h,4h", "when a FAILED incident whose key may still be live is tried again, after each failed "
          + "attempt (the last delay repeats); empty: only on a new sighting or leakguard retry");
  public static final Option<Integer> RETRY_MAX_ATTEMPTS = Option.integer("remediation.retry.max.attempts", 12, 1,
      1000, "scheduled attempts of one incident at most (a new sighting or leakguard retry always tries again)");

  public static final Option<Integer> BLAST_ACCOUNT_MINUTE = Option.integer("remediation.blast.account.per.minute",
      100, 0, 1_000_000, "destructive actions (key, role, login deletions; policy detachments) in one account per "
          + "minute, past which the account is paused and its incidents wait, contained; 0: no limit");
  public static final Option<Integer> BLAST_ACCOUNT_HOUR = Option.integer("remediation.blast.account.per.hour",
      1000, 0, 1_000_000, "destructive actions in one account per hour, past which the account is paused; 0: no limit");
  public static final Option<Integer> BLAST_FLEET_MINUTE = Option.integer("remediation.blast.fleet.per.minute", 500,
      0, 1_000_000, "destructive actions over all accounts per minute, past which the fleet is paused; 0: no limit");
  public static final Option<Duration> EVIDENCE_WINDOW = Option.duration("remediation.evidence.window", "24h",
      "how far before the first sighting the evidence record's ActionTrail events of the leaked credential reach "
          + "(one LookupEvents page, at most 50 events, waited for at most 2 s); 0: none");
  public static final Option<Integer> BLAST_FLEET_HOUR = Option.integer("remediation.blast.fleet.per.hour", 5000, 0,
      1_000_000, "destructive actions over all accounts per hour, past which the fleet is paused; 0: no limit");

  public static void main(String[] args) {
    ServiceMain.run(new RemediatorApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-remediator";
  }

  @Override
  public List<Option<?>> options() {
    List<Option<?>> options = new ArrayList<>(CloudOptions.ALL);
    options.addAll(List.of(SECRET_NAME_TEMPLATE, POLICY_FILE, APPROVAL_TIMEOUT, WORKERS, WORKERS_PER_ACCOUNT, ROUNDS,
        RETRY_BASE, DRAIN_INTERVAL, RETRY_SCHEDULE, RETRY_MAX_ATTEMPTS, BLAST_ACCOUNT_MINUTE, BLAST_ACCOUNT_HOUR,
        BLAST_FLEET_MINUTE, BLAST_FLEET_HOUR, EVIDENCE_WINDOW));
    return options;
  }

  /** The policy the options name, validated; errors name the entry. */
  public static RemediationPolicy policy(Settings settings) {
    String file = settings.get(POLICY_FILE);
    if (file.isBlank()) {
      return RemediationPolicy.builtIn();
    }
    try {
      return RemediationPolicy.load(Path.of(file));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("bad value for option '" + POLICY_FILE.key() + "' (" + file + "): " + e.getMessage());
    }
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    RemediationPolicy policy = policy(settings);
    CloudFleet fleet = resources.register(
        CloudFleet.fromDefaultChain(CloudOptions.settings(settings), CloudOptions.fleet(settings),
            resources.metrics().registry()));
    warmUp(fleet);
    CloudRemediationEngine engine = resources.register(new CloudRemediationEngine(fleet,
        settings.get(SECRET_NAME_TEMPLATE), Clock.systemUTC(), settings.get(WORKERS),
        settings.get(WORKERS_PER_ACCOUNT), settings.get(ROUNDS), settings.get(RETRY_BASE),
        new BlastRadius.Limits(settings.get(BLAST_ACCOUNT_MINUTE), settings.get(BLAST_ACCOUNT_HOUR),
            settings.get(BLAST_FLEET_MINUTE), settings.get(BLAST_FLEET_HOUR)), settings.get(EVIDENCE_WINDOW)));
    ControlWriter pauser = resources.register(new ControlWriter(settings.kafka(), topics.control()));
    return RemediatorTopology.build(topics, engine, policy, settings.get(APPROVAL_TIMEOUT),
        settings.get(DRAIN_INTERVAL), new RetrySchedule(settings.get(RETRY_SCHEDULE),
            settings.get(RETRY_MAX_ATTEMPTS)), resources.metrics(), pauser);
  }

  /**
   * Asks who LeakGuard is, once, at start: it proves the credential chain works before the first leak arrives,
   * logs the identity the remediator acts as, and warms the SDK's HTTP path so the first remediation is not slowed
   * by class loading. A failure is logged, not fatal: the cloud may be briefly unreachable at start.
   */
  static void warmUp(CloudFleet fleet) {
    try {
      var identity = fleet.home().sts().callerIdentity();
      fleet.homeAccountId();
      LOG.info("remediating as {} ({}) in account {}", identity.arn(), identity.identityType(), identity.accountId());
    } catch (CloudException e) {
      LOG.warn("cannot tell who the remediator is yet ({}: {}); will retry on the first leak", e.code(),
          e.errorClass());
    }
  }
}
