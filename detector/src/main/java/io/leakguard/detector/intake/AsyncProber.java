package io.leakguard.detector.intake;

import io.leakguard.cloud.Secret;
import io.leakguard.runtime.FairScheduler;
import io.leakguard.runtime.IncidentMdc;
import io.leakguard.schemas.KeyForms;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * Runs liveness probes off the stream thread, so no record, however many pairs it holds, holds up the others:
 *
 * <ul>
 *   <li>identical pairs are probed once: a pair being probed is joined, a pair probed within {@code cacheTtl} is
 *       answered from the cache (bounded to {@value #CACHE_ENTRIES} pairs, keyed by ID and the secret's
 *       fingerprint, never the secret);</li>
 *   <li>each input record is its own turn on a fair pool ({@link FairScheduler}): at most {@code perRecord} of one
 *       record's probes run at once, and a new record's probe starts as soon as a worker is free, however long the
 *       queue of an earlier record is;</li>
 *   <li>each source may have at most {@code floodLimit} pairs probed per minute: past that its pairs are answered
 *       {@code FLOOD_LIMITED} at once (unproven either way), so nobody who can write content can make the detector
 *       call STS without bound (and at most ten times that over all sources, since a writer chooses its source
 *       name).</li>
 * </ul>
 *
 * The cache here lives as long as the process; {@link IntakeProcessors} adds the durable one, the compacted
 * {@code probe.verdicts} topic read as a global store, which every instance shares and a restart keeps.
 *
 * <p>Answers arrive on a worker thread through the callback; the callback must not block. A probe's answer carries
 * the time STS gave it ({@link LivenessProbe.Liveness#probedAt}), also when it comes from the cache.
 */
public final class AsyncProber implements AutoCloseable {

  static final int CACHE_ENTRIES = 50_000;

  private record Cached(LivenessProbe.Liveness answer, long at) {}

  private final LivenessProbe probe;
  private final FairScheduler pool;
  private final long cacheTtlMillis;
  private final int floodLimit;
  private final Clock clock;
  private final Map<String, Cached> cache = new LinkedHashMap<>(1024, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
      return size() > CACHE_ENTRIES;
    }
  };
  private final Map<String, List<Consumer<LivenessProbe.Liveness>>> inFlight = new HashMap<>();
  private final Map<String, int[]> probesThisMinute = new HashMap<>();
  private int allThisMinute;
  private long minute;

  public AsyncProber(LivenessProbe probe, int threads, int perRecord, int floodLimit, Duration cacheTtl, Clock clock) {
    this(probe, new FairScheduler(threads, perRecord, "leakguard-probe"), floodLimit, cacheTtl, clock);
  }

  private AsyncProber(LivenessProbe probe, FairScheduler pool, int floodLimit, Duration cacheTtl, Clock clock) {
    this.probe = probe;
    this.pool = pool;
    this.cacheTtlMillis = cacheTtl.toMillis();
    this.floodLimit = floodLimit;
    this.clock = clock;
  }

  /**
   * A prober that runs each probe on the caller's thread: for topology tests, whose driver needs every answer before
   * the input call returns. Dedup, cache and flood limit work as in production.
   */
  public static AsyncProber direct(LivenessProbe probe, int floodLimit, Clock clock) {
    return new AsyncProber(probe, null, floodLimit, Duration.ofMinutes(10), clock);
  }

  /**
   * Probes a pair found in the record at {@code coordinates} of {@code source}; {@code done} gets the answer, on this
   * thread when it is known at once (cached, flood-limited), else later on a worker.
   */
  public void probe(String source, String coordinates, String accessKeyId, Secret secret, Secret token,
      Consumer<LivenessProbe.Liveness> done) {
    String pair = pairKey(accessKeyId, secret, token);
    LivenessProbe.Liveness known;
    synchronized (this) {
      long now = clock.millis();
      Cached cached = cache.get(pair);
      if (cached != null && fresh(cached.at(), now)) {
        known = cached.answer();
      } else if (inFlight.containsKey(pair)) {
        inFlight.get(pair).add(done);
        return;
      } else if (!admit(source, now)) {
        known = LivenessProbe.Liveness.FLOOD_LIMITED;
      } else {
        List<Consumer<LivenessProbe.Liveness>> waiting = new ArrayList<>();
        waiting.add(done);
        inFlight.put(pair, waiting);
        known = null;
      }
    }
    if (known != null) {
      done.accept(known);
      return;
    }
    // The probe runs on a pool thread: it logs under the caller's incident (IntakeProcessors sets it) and the key,
    // masked by IncidentMdc.
    String incident = MDC.get(IncidentMdc.INCIDENT);
    Runnable job = () -> {
      LivenessProbe.Liveness answer;
      try (IncidentMdc mdc = IncidentMdc.open(incident, accessKeyId)) {
        answer = probe.probe(accessKeyId, secret, token).at(clock.millis());
      } catch (RuntimeException e) {
        answer = LivenessProbe.Liveness.UNREACHABLE;
      }
      List<Consumer<LivenessProbe.Liveness>> waiting;
      synchronized (this) {
        waiting = inFlight.remove(pair);
        if (answer.result() != io.leakguard.schemas.ProbeResult.UNREACHABLE) {
          cache.put(pair, new Cached(answer, clock.millis()));
        }
      }
      for (Consumer<LivenessProbe.Liveness> each : waiting) {
        each.accept(answer);
      }
    };
    if (pool == null) {
      job.run();
    } else {
      pool.submit(coordinates, pair, job);
    }
  }

  /**
   * The key a pair is cached under: {@code <AccessKey ID>/<secret fingerprint>[/<token fingerprint>]}, fingerprints
   * being the lower-case hex SHA-256 ({@link KeyForms#fingerprint}), never the secret.
   */
  public static String pairKey(String accessKeyId, Secret secret, Secret token) {
    return accessKeyId + "/" + KeyForms.fingerprint(secret.reveal())
        + (token == null ? "" : "/" + KeyForms.fingerprint(token.reveal()));
  }

  /** Whether an answer STS gave at {@code probedAt} may still be reused at {@code now}. */
  public boolean fresh(long probedAt, long now) {
    return now - probedAt < cacheTtlMillis;
  }

  /** The prober's clock, for callers that check freshness. */
  public long now() {
    return clock.millis();
  }

  /** Counts a probe against its source's limit for the current minute. */
  private boolean admit(String source, long now) {
    long thisMinute = now / 60_000;
    if (thisMinute != minute) {
      minute = thisMinute;
      probesThisMinute.clear();
      allThisMinute = 0;
    }
    // Source names are chosen by whoever writes the content: a limit over all sources (ten sources' worth) stops a
    // flood that varies its source name.
    int[] count = probesThisMinute.computeIfAbsent(source, s -> new int[1]);
    if (count[0] >= floodLimit || allThisMinute >= 10L * floodLimit) {
      return false;
    }
    count[0]++;
    allThisMinute++;
    return true;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }
}
