package io.leakguard.enricher;

import io.leakguard.cloud.ActionTrailGateway.TrailEvent;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a leaked key did, judged against the moment of the leak: addresses that used it after the leak and never
 * before are suspicious. LeakGuard's own liveness probe ({@link TrailEvent#isLeakGuardProbe}) is not a use. What it created is {@link Persistence}'s.
 *
 * @param lastUsedAt        the key's last use, or null
 * @param ips               every address that used the key
 * @param services          every service the key called
 * @param suspiciousIps     addresses new after the leak
 */
public record Activity(Instant lastUsedAt, List<String> ips, List<String> services, List<String> suspiciousIps) {

  static Activity of(List<TrailEvent> events, Instant leakedAt) {
    // ActionTrail's event times have whole seconds: an event in the leak's own second may be after it (LeakGuard's
    // own liveness probe is), so only an earlier second counts as before. Found by ConsolePipelineIT: the probe's
    // address was taken for one the key used before the leak.
    Instant leakSecond = leakedAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Set<String> before = new LinkedHashSet<>();
    Set<String> all = new LinkedHashSet<>();
    Set<String> services = new LinkedHashSet<>();
    Set<String> after = new LinkedHashSet<>();
    Instant last = null;
    for (TrailEvent event : events) {
      if (event.isLeakGuardProbe()) {
        // LeakGuard's own liveness probe: not a use of the key. Found from outside: every probed live key was
        // CRITICAL, "used from a new address after the leak", the detector's.
        continue;
      }
      if (event.sourceIpAddress() != null) {
        all.add(event.sourceIpAddress());
        if (event.eventTime() != null && event.eventTime().isBefore(leakSecond)) {
          before.add(event.sourceIpAddress());
        } else {
          after.add(event.sourceIpAddress());
        }
      }
      if (event.serviceName() != null) {
        services.add(event.serviceName());
      }
      if (event.eventTime() != null && (last == null || event.eventTime().isAfter(last))) {
        last = event.eventTime();
      }
    }
    after.removeAll(before);
    return new Activity(last, List.copyOf(all), List.copyOf(services), List.copyOf(after));
  }

  static Activity none() {
    return new Activity(null, List.of(), List.of(), List.of());
  }
}
