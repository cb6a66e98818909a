package io.leakguard.detector;

import io.leakguard.cloud.CloudOptions;
import io.leakguard.detector.intake.AsyncProber;
import io.leakguard.detector.intake.LivenessProbe;
import io.leakguard.detector.intake.StsLivenessProbe;
import io.leakguard.runtime.Resources;
import io.leakguard.runtime.RuntimeOptions;
import io.leakguard.runtime.ServiceDefinition;
import io.leakguard.runtime.ServiceMain;
import io.leakguard.config.Option;
import io.leakguard.config.Settings;
import io.leakguard.schemas.TopicCatalog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.Topology;

/** The detector service: {@code leakguard run detector}. */
public final class DetectorApp implements ServiceDefinition {

  public static final String NAME = "detector";

  public static final Option<Boolean> LIVENESS = Option.bool("detector.liveness.check", true,
      "call STS GetCallerIdentity with each leaked pair found to learn whether it is live and whose it is");

  public static final Option<Integer> PROBE_THREADS = Option.integer("detector.probe.threads", 16, 1, 256,
      "worker threads probing leaked pairs (each probe waits on STS, not on the CPU)");
  public static final Option<Integer> PROBE_PER_RECORD = Option.integer("detector.probe.per.record", 4, 1, 256,
      "probes of one input record that run at once, so a record with thousands of pairs never holds up another");
  public static final Option<Integer> PROBE_FLOOD_LIMIT = Option.integer("detector.probe.flood.limit", 600, 1,
      1_000_000, "pairs of one source probed per minute (ten times that over all sources); past it a pair is "
          + "FLOOD_LIMITED, not probed");
  public static final Option<Duration> PROBE_CACHE_TTL = Option.duration("detector.probe.cache.ttl", "10m",
      java.time.Duration.ofDays(io.leakguard.schemas.TopicCatalog.VERDICT_RETENTION_DAYS),
      "how long a probe's answer is reused for the same pair (ID and secret fingerprint), on every instance and "
          + "across restarts (probe.verdicts); at most the 7 days the topic keeps a verdict");

  public static void main(String[] args) {
    ServiceMain.run(new DetectorApp(), args);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String applicationId() {
    return "leakguard-detector";
  }

  @Override
  public List<Option<?>> options() {
    List<Option<?>> options = new java.util.ArrayList<>(CloudOptions.ALL);
    options.addAll(List.of(LIVENESS, PROBE_THREADS, PROBE_PER_RECORD, PROBE_FLOOD_LIMIT, PROBE_CACHE_TTL));
    return options;
  }

  @Override
  public Topology topology(Settings settings, TopicCatalog topics, Resources resources) {
    LivenessProbe probe = LivenessProbe.OFF;
    if (settings.get(LIVENESS)) {
      StsLivenessProbe sts = new StsLivenessProbe(CloudOptions.settings(settings));
      sts.warmUp();
      probe = sts;
    }
    AsyncProber prober = resources.register(new AsyncProber(probe, settings.get(PROBE_THREADS),
        settings.get(PROBE_PER_RECORD), settings.get(PROBE_FLOOD_LIMIT), settings.get(PROBE_CACHE_TTL),
        Clock.systemUTC()));
    return DetectorTopology.build(topics, new Scanner(), prober, settings.get(RuntimeOptions.TOPICS_PARTITIONS),
        resources.metrics());
  }
}
