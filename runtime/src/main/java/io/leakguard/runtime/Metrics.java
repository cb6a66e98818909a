package io.leakguard.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A service process's meters: one registry per {@link StreamsService}, never a static one, so that several services
 * in one JVM (the in-process pipeline) each report their own. Topologies reach it through {@link Resources#metrics()}.
 * With {@code metrics.enabled=false} the registry is a composite with no member: every meter is a no-op.
 */
public final class Metrics {

  /** Histogram buckets of every LeakGuard latency, around the SLOs: 100 ms to 60 s. */
  public static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
      Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

  /** The pipeline's stages, the {@code stage} label of {@code leakguard_stage_latency_seconds}. */
  public enum Stage {
    SIGHTED_DETECTED, DETECTED_ENRICHED, ENRICHED_NEUTRALIZED, NEUTRALIZED_NOTIFIED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;

  private Metrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
  }

  /** A Prometheus registry of its own. */
  public static Metrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new Metrics(registry, registry);
  }

  /** Meters that record nothing: metrics disabled, and the default of tests and tools. */
  public static Metrics none() {
    return new Metrics(new CompositeMeterRegistry(), null);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter, or empty when metrics are disabled. */
  public Optional<String> scrape() {
    return prometheus == null ? Optional.empty() : Optional.of(prometheus.scrape());
  }

  /** {@code leakguard_stage_latency_seconds{stage}}. */
  public Timer stageLatency(Stage stage) {
    return latency("leakguard.stage.latency", "from one pipeline stage's timestamp to the next's", registry)
        .tag("stage", stage.label()).register(registry);
  }

  /** A latency histogram builder with LeakGuard's buckets. */
  public static Timer.Builder latency(String name, String description, MeterRegistry registry) {
    return Timer.builder(name).description(description).serviceLevelObjectives(LATENCY_BUCKETS)
        .minimumExpectedValue(LATENCY_BUCKETS[0]).maximumExpectedValue(LATENCY_BUCKETS[LATENCY_BUCKETS.length - 1]);
  }

  /** Records {@code to - from} when both are known and in order (a clock step back is not a latency). */
  public static void observe(Timer timer, Instant from, Instant to) {
    if (from != null && to != null && !to.isBefore(from)) {
      timer.record(Duration.between(from, to));
    }
  }
}
