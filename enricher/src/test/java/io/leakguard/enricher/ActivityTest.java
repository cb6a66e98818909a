package io.leakguard.enricher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.leakguard.cloud.ActionTrailGateway.TrailEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActivityTest {

  private static TrailEvent call(String ip, Instant at) {
    return call(ip, at, "AlibabaCloud (Linux; amd64) Java/17 Core/4.7.10 HTTPClient/ApacheHttpClient");
  }

  private static TrailEvent call(String ip, Instant at, String userAgent) {
    return new TrailEvent("e-" + ip + at, "GetCallerIdentity", "Sts", "Read", at, ip, null, "ram-user", "alice",
        "LTAI-synthetic", "1000000000000001", Map.of(), Map.of(), userAgent);
  }

  @Test
  void shouldCountAnEventInTheLeaksOwnSecondAsAfterIt() {
    // Given the leak at 10:00:00.400, and ActionTrail's whole-second times
    Instant leak = Instant.parse("2026-12-03T10:00:00.400Z");
    List<TrailEvent> events = List.of(
        call("198.51.100.7", Instant.parse("2026-12-03T09:59:59Z")),   // the application, before the leak
        call("127.0.0.1", Instant.parse("2026-12-03T10:00:00Z")),      // a call 200 ms after it
        call("203.0.113.66", Instant.parse("2026-12-03T10:00:05Z")));  // the attacker

    Activity activity = Activity.of(events, leak);

    assertEquals(List.of("127.0.0.1", "203.0.113.66"), activity.suspiciousIps());
    assertEquals(List.of("198.51.100.7", "127.0.0.1", "203.0.113.66"), activity.ips());
  }

  @Test
  void shouldLeaveLeakGuardsOwnProbeOutOfTheKeysUse() {
    Instant leak = Instant.parse("2026-12-03T10:00:00.400Z");
    List<TrailEvent> events = List.of(
        call("198.51.100.7", Instant.parse("2026-12-03T09:59:59Z")),
        call("192.0.2.40", Instant.parse("2026-12-03T10:00:01Z"),
            "AlibabaCloud (Linux; amd64) Java/17 Core/4.7.10 HTTPClient/ApacheHttpClient LeakGuardProbe/1"));

    Activity activity = Activity.of(events, leak);

    assertEquals(List.of(), activity.suspiciousIps());
    assertEquals(List.of("198.51.100.7"), activity.ips());
    assertEquals(Instant.parse("2026-12-03T09:59:59Z"), activity.lastUsedAt());
  }
}
